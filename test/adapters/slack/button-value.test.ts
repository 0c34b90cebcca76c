import { describe, expect, it } from 'vitest';
import { decodeButtonValue, encodeButtonValue } from '../../../src/adapters/slack/button-value.js';

describe('Slack button value', () => {
  const id = '0b7f4c2e-8f1a-4d3b-9c5e-6a7b8c9d0e1f';

  it('carries the draft id and the version the card shows', () => {
    expect(encodeButtonValue(id, 3)).toBe(`${id}:3`);
    for (const version of [1, 2, 999_999_999]) expect(decodeButtonValue(encodeButtonValue(id, version))).toEqual({ draftId: id, version });
  });

  it('still reads a card drawn before versions existed: the bare id, no version', () => {
    expect(decodeButtonValue(id)).toEqual({ draftId: id });
  });

  it('rejects values it never made', () => {
    expect(decodeButtonValue(undefined)).toBeNull();
    expect(decodeButtonValue('')).toBeNull();
    expect(decodeButtonValue(`${id}:0`)).toBeNull();
    expect(decodeButtonValue(`${id}:-1`)).toBeNull();
    expect(decodeButtonValue(`${id}:v2`)).toBeNull();
    expect(decodeButtonValue(`${id}:1:2`)).toBeNull();
    expect(decodeButtonValue(`:1`)).toBeNull();
    expect(decodeButtonValue('x'.repeat(2001))).toBeNull();
  });
});
