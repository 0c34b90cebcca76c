import { describe, expect, it } from 'vitest';
import { formatVerified } from '../../src/cli/format.js';

describe('audit verify output', () => {
  const hash = 'a'.repeat(64);

  it('prints the verified head, and the legacy count only when there are legacy entries', () => {
    expect(formatVerified({ ok: true, count: 12, legacy: 0, head: { seq: 12, hash } }, 0)).toBe(`audit chain intact: 12 entries, head 12 ${hash}`);
    expect(formatVerified({ ok: true, count: 12, legacy: 3, head: { seq: 12, hash } }, 1)).toBe(
      `audit chain intact: 12 entries, head 12 ${hash} (3 of them legacy, unkeyed)\n1 checkpoint verified: each signed head is still in the chain`,
    );
  });
});
