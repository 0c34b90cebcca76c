import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

/** The one line an operator sees for a bad environment. */
const failure = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a configuration error');
};

describe('configuration', () => {
  it('starts with no variables at all: embedded database, loopback, offline, dry run', () => {
    const { env, policy, warnings } = loadConfig({});
    expect(env).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', RELAYBOT_DATA_DIR: './.relaybot', DEFAULT_PHONE_REGION: 'US' });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(policy.draftTtlMinutes).toBe(15);
    expect(warnings).toEqual([]);
  });

  it('names the variable and what is wrong, in one line', () => {
    expect(failure({ PORT: 'abc' })).toBe('PORT: must be a port number from 0 to 65535 (got "abc")');
    expect(failure({ DEFAULT_PHONE_REGION: 'USA' })).toBe('DEFAULT_PHONE_REGION: must be a two-letter ISO country code such as US or GB (got "USA")');
    expect(failure({ DATABASE_URL: 'mysql://x' })).toBe('DATABASE_URL: must start with postgres:// (got "mysql://x")');
    expect(failure({ TELEGRAM_ALLOWED_USERS: '12,bob' })).toMatch(/^TELEGRAM_ALLOWED_USERS: must be comma-separated numeric/);
    for (const message of [failure({ PORT: 'abc' }), failure({ OPENAI_BASE_URL: 'not a url' })]) expect(message).not.toContain('\n');
  });

  it('takes an AUDIT_KEY of at least 32 characters, refusing a shorter one in one line that never echoes it', () => {
    const message = failure({ AUDIT_KEY: 'too-short-audit-key' });
    expect(message).toBe('AUDIT_KEY: must be at least 32 characters');
    expect(message).not.toContain('too-short-audit-key');
    expect(loadConfig({ AUDIT_KEY: 'k'.repeat(32) }).env.AUDIT_KEY).toBe('k'.repeat(32));
  });

  it('with DATABASE_URL and no AUDIT_KEY: warns that replicas must share one key, and refuses a per-process key', () => {
    const { warnings } = loadConfig({ DATABASE_URL: 'postgres://db/relaybot' });
    expect(warnings).toEqual([expect.stringMatching(/^AUDIT_KEY is not set: the audit log is signed with the key file in \.\/\.relaybot .*Every replica on this database must sign with the same key/)]);
    expect(loadConfig({ DATABASE_URL: 'postgres://db/relaybot', AUDIT_KEY: 'k'.repeat(32) }).warnings).toEqual([]);
    expect(failure({ DATABASE_URL: 'postgres://db/relaybot', RELAYBOT_DATA_DIR: 'memory://' })).toMatch(/^AUDIT_KEY: required with DATABASE_URL when RELAYBOT_DATA_DIR is memory:\/\//);
  });

  it('never echoes a secret back', () => {
    const message = failure({ WEB_API_TOKEN: 'short-secret' });
    expect(message).toBe('WEB_API_TOKEN: must be at least 16 characters');
    expect(message).not.toContain('short-secret');
  });

  it('reads AGENT_TOKENS as name=token pairs and names what is wrong in one line, never the token', () => {
    expect(loadConfig({ AGENT_TOKENS: `ci=${'x'.repeat(16)}, claude=${'y'.repeat(20)}` }).env.AGENT_TOKENS).toEqual([
      { name: 'ci', token: 'x'.repeat(16) },
      { name: 'claude', token: 'y'.repeat(20) },
    ]);
    const short = failure({ AGENT_TOKENS: 'ci=short-secret' });
    expect(short).toBe('AGENT_TOKENS: the token of "ci" must be at least 16 characters');
    expect(short).not.toContain('short-secret');
    expect(failure({ AGENT_TOKENS: 'x'.repeat(20) })).toMatch(/^AGENT_TOKENS: entry 1 must be name=token/);
    expect(failure({ AGENT_TOKENS: `a=${'x'.repeat(16)},a=${'y'.repeat(16)}` })).toBe('AGENT_TOKENS: "a" is listed twice');
    expect(failure({ AGENT_TOKENS: `a=${'x'.repeat(16)},b=${'x'.repeat(16)}` })).toMatch(/same token/);
  });

  it('requires a token off loopback, and the pieces each integration needs', () => {
    expect(failure({ HOST: '0.0.0.0' })).toMatch(/^WEB_API_TOKEN: required when HOST is not loopback/);
    expect(failure({ HOST: '0.0.0.0', WEB_API_TOKEN: 'a'.repeat(32) })).toMatch(/^AGENT_TOKENS: required when HOST is not loopback/);
    expect(loadConfig({ HOST: '0.0.0.0', WEB_API_TOKEN: 'a'.repeat(32), AGENT_TOKENS: `ci=${'b'.repeat(16)}` }).env.HOST).toBe('0.0.0.0');
    expect(failure({ SLACK_BOT_TOKEN: 'xoxb-1' })).toMatch(/^SLACK_SIGNING_SECRET: required/);
    expect(failure({ RELAY_BASE_URL: 'https://relay.example.com' })).toMatch(/^RELAY_API_KEY: required/);
  });

  it('warns loudly about a real relay without a recipient allowlist, and a closed Telegram bot', () => {
    const { warnings } = loadConfig({ RELAY_BASE_URL: 'https://relay.example.com', RELAY_API_KEY: 'k', TELEGRAM_BOT_TOKEN: '123:abc' });
    expect(warnings.join('\n')).toMatch(/no recipient allowlist/);
    expect(warnings.join('\n')).toMatch(/TELEGRAM_ALLOWED_USERS is empty/);
  });

  it('reads a YAML or JSON policy file and names the bad field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'relaybot-policy-'));
    const yaml = join(dir, 'policy.yaml');
    await writeFile(yaml, 'channels: [sms, email]\nrecipients: ["*@example.com"]\napproval:\n  mode: four-eyes\n  approvers: ["slack:U2"]\n');
    const { policy, warnings } = loadConfig({ POLICY_FILE: yaml, RELAY_BASE_URL: 'https://r.example.com', RELAY_API_KEY: 'k' });
    expect(policy).toMatchObject({ channels: ['sms', 'email'], recipients: ['*@example.com'], approval: { mode: 'four-eyes' } });
    expect(warnings).toEqual([]);
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ draftTtlMinutes: -5 }));
    expect(failure({ POLICY_FILE: bad })).toMatch(new RegExp(`^POLICY_FILE \\(${bad}\\): draftTtlMinutes `));
    expect(failure({ POLICY_FILE: join(dir, 'missing.yaml') })).toMatch(/file not found$/);
  });
});
