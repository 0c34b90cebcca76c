import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The dependency direction, enforced: core is pure, app talks to ports only, front-ends talk to the app only. */
const root = join(import.meta.dirname, '../../src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

const SDKS = ['@slack/bolt', '@slack/', 'grammy', '@grammyjs/', 'openai', 'drizzle-orm', 'pg', '@electric-sql/pglite', 'express', 'pino', 'prom-client'];
const isSdk = (spec: string) => SDKS.some((sdk) => spec === sdk || spec.startsWith(sdk.endsWith('/') ? sdk : `${sdk}/`));

describe('architecture boundaries', () => {
  it('src/core imports no SDK, no node: module and nothing outside core', () => {
    const offenders = sources(join(root, 'core')).flatMap((file) =>
      imports(file)
        .filter((spec) => isSdk(spec) || spec.startsWith('node:') || (spec.startsWith('.') && spec.includes('../../')))
        .map((spec) => `${relative(root, file)} → ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('src/app imports no SDK and no adapter', () => {
    const offenders = sources(join(root, 'app')).flatMap((file) =>
      imports(file)
        .filter((spec) => isSdk(spec) || spec.includes('/adapters/'))
        .map((spec) => `${relative(root, file)} → ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  // Metrics is instrumentation every adapter may use, not a front-end or a port implementation.
  it('adapters never import each other (metrics aside)', () => {
    const adapters = join(root, 'adapters');
    const offenders = readdirSync(adapters).flatMap((name) =>
      sources(join(adapters, name)).flatMap((file) =>
        imports(file)
          .filter((spec) => /^\.\.\/[\w-]+\//.test(spec) && !spec.startsWith('../metrics/'))
          .map((spec) => `${relative(root, file)} → ${spec}`),
      ),
    );
    expect(offenders).toEqual([]);
  });

  it('front-ends (slack, telegram, web) import nothing from the database adapter and name no store', () => {
    const stores = /\b(DraftStore|ContactBook|ConversationStore|InboundDedupe|AuditLog|DeliveryQueue|ChatHistory|DraftCards|PendingDrafts)\b/;
    const offenders = ['slack', 'telegram', 'web'].flatMap((name) =>
      sources(join(root, 'adapters', name)).flatMap((file) => [
        ...imports(file).filter((spec) => spec.includes('/db/')).map((spec) => `${relative(root, file)} → ${spec}`),
        ...(stores.test(readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')) ? [`${relative(root, file)} names a store`] : []),
      ]),
    );
    expect(offenders).toEqual([]);
  });
});
