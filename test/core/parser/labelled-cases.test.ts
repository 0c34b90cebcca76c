import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { labelledCaseSchema, readJsonl } from '../../eval/cases.js';
import { scoreLabelled, toOutcome } from '../../eval/score.js';
import { FALLBACK, parseOffline } from '../../../src/core/parser/index.js';

/**
 * The hand-labelled cases (test/fixtures/labelled-cases.jsonl) through the
 * offline parser: the acceptance bar for explicit addresses, and never a draft
 * for something that is not a send request.
 */
const cases = readJsonl(path.resolve(import.meta.dirname, '../../fixtures/labelled-cases.jsonl'), labelledCaseSchema);
const outcomes = cases.map((c) =>
  toOutcome(parseOffline(c.text, { history: [], defaultRegion: c.region, contactNames: c.contacts }), (t) => t === FALLBACK),
);
const score = scoreLabelled(cases, outcomes);

describe('labelled cases (offline parser)', () => {
  it('has a real set of cases: 80–200, with sends, questions and negatives', () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
    expect(cases.length).toBeLessThanOrEqual(200);
    expect(score.explicit).toBeGreaterThanOrEqual(50);
    expect(score.negatives).toBeGreaterThanOrEqual(20);
    expect(score.questions).toBeGreaterThanOrEqual(10);
  });

  it('drafts at least 90 % of the explicit-address cases exactly (channel, recipient, text, subject)', () => {
    expect(score.exact / score.explicit, score.failures.join('\n')).toBeGreaterThanOrEqual(0.9);
  });

  it('drafts nothing for the negatives', () => {
    expect(score.negativeDrafts, score.failures.join('\n')).toBe(0);
  });

  it('never drafts to a recipient other than the one written', () => {
    expect(score.wrongRecipientDrafts, score.failures.join('\n')).toBe(0);
  });
});
