import type { Interpretation } from '../../src/core/interpretation.js';
import { normaliseInput } from '../../src/core/parser/index.js';
import type { CorpusRow, LabelledCase } from './cases.js';

/** What an interpreter did with one utterance, reduced to what the scores need. */
export interface Outcome {
  kind: Interpretation['kind'];
  /** The address of a draft, or the address / name a question kept. */
  recipient: string | null;
  /** A reply that says nothing specific ("I did not catch that"): the request went unhandled. */
  generic: boolean;
  interpretation: Interpretation;
}

export function toOutcome(interpretation: Interpretation, isGeneric: (reply: string) => boolean): Outcome {
  const recipient =
    interpretation.kind === 'send'
      ? interpretation.request.to
      : interpretation.kind === 'question'
        ? (interpretation.partial.to ?? interpretation.partial.toName ?? null)
        : null;
  return { kind: interpretation.kind, recipient, generic: interpretation.kind === 'reply' && isGeneric(interpretation.text), interpretation };
}

/** Lower-case, spoken emails written out, possessives and "my/the" dropped. */
export function normaliseRecipient(s: string): string {
  return s
    .toLowerCase()
    .replace(/\s+dot\s+/g, '.')
    .replace(/^(\S+)\s+at\s+(\S+\.\S+)$/, '$1@$2')
    .replace(/'s\b|s'$/g, '')
    .replace(/^(?:all\s+)?(?:of\s+)?(?:my|the|our)\s+/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Same recipient: equal, or one's words contain the other's ("uncle john" / "uncle"). */
export function sameRecipient(predicted: string, annotated: string): boolean {
  const a = normaliseRecipient(predicted);
  const b = normaliseRecipient(annotated);
  if (a === b) return true;
  const wa = new Set(a.split(' '));
  const wb = new Set(b.split(' '));
  return [...wb].every((w) => wa.has(w)) || [...wa].every((w) => wb.has(w));
}

export interface CorpusScore {
  total: number;
  send: number;
  other: number;
  precision: number;
  recall: number;
  sendDraft: number;
  sendQuestion: number;
  sendCannot: number;
  sendUnhandled: number;
  otherDrafts: number;
  otherQuestions: number;
  recipientAnnotated: number;
  recipientCorrect: number;
  recipientPredicted: number;
  wrongRecipientDrafts: number;
  examples: { otherDrafts: string[]; otherQuestions: string[]; wrongRecipient: string[]; unhandled: string[]; recipientMisses: string[] };
}

/**
 * Send-intent = a draft or a question (a `reply` declines). A draft's address
 * must be the annotated one, or at least be written in the utterance: anything
 * else was invented, which counts as a wrong recipient.
 */
export function scoreCorpus(rows: CorpusRow[], outcomes: Outcome[]): CorpusScore {
  const s: CorpusScore = {
    total: rows.length, send: 0, other: 0, precision: 0, recall: 0, sendDraft: 0, sendQuestion: 0, sendCannot: 0, sendUnhandled: 0,
    otherDrafts: 0, otherQuestions: 0, recipientAnnotated: 0, recipientCorrect: 0, recipientPredicted: 0, wrongRecipientDrafts: 0,
    examples: { otherDrafts: [], otherQuestions: [], wrongRecipient: [], unhandled: [], recipientMisses: [] },
  };
  let tp = 0;
  let fp = 0;
  rows.forEach((row, i) => {
    const o = outcomes[i];
    if (!o) return;
    const predictedSend = o.kind !== 'reply';
    if (row.intent === 'send') {
      s.send++;
      if (predictedSend) tp++;
      if (o.kind === 'send') s.sendDraft++;
      else if (o.kind === 'question') s.sendQuestion++;
      else if (o.generic) push(s.examples.unhandled, row.text, (s.sendUnhandled += 1));
      else s.sendCannot++;
      if (row.recipient) {
        s.recipientAnnotated++;
        if (o.recipient) s.recipientPredicted++;
        if (o.recipient && sameRecipient(o.recipient, row.recipient)) s.recipientCorrect++;
        else if (o.recipient) push(s.examples.recipientMisses, `${row.text}  →  ${o.recipient} (annotated: ${row.recipient})`, 1);
      }
    } else {
      s.other++;
      if (predictedSend) fp++;
      if (o.kind === 'send') push(s.examples.otherDrafts, row.text, (s.otherDrafts += 1));
      if (o.kind === 'question') push(s.examples.otherQuestions, row.text, (s.otherQuestions += 1));
    }
    if (o.kind === 'send' && o.interpretation.kind === 'send') {
      const to = o.interpretation.request.to;
      const matches = row.recipient ? sameRecipient(to, row.recipient) : addressWritten(row.text, to);
      if (!matches) push(s.examples.wrongRecipient, `${row.text}  →  ${to}`, (s.wrongRecipientDrafts += 1));
    }
  });
  s.precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  s.recall = s.send === 0 ? 1 : tp / s.send;
  return s;
}

export interface LabelledScore {
  explicit: number;
  exact: number;
  questions: number;
  questionsOk: number;
  negatives: number;
  negativesOk: number;
  negativeDrafts: number;
  wrongRecipientDrafts: number;
  failures: string[];
}

/** Exact = a draft whose channel, recipient, text and subject all equal the label. */
export function scoreLabelled(cases: LabelledCase[], outcomes: Outcome[]): LabelledScore {
  const s: LabelledScore = { explicit: 0, exact: 0, questions: 0, questionsOk: 0, negatives: 0, negativesOk: 0, negativeDrafts: 0, wrongRecipientDrafts: 0, failures: [] };
  cases.forEach((c, i) => {
    const o = outcomes[i];
    if (!o) return;
    const got = o.interpretation;
    let ok = false;
    if (c.expect === 'send') {
      s.explicit++;
      ok = got.kind === 'send' && got.request.channel === c.channel && got.request.to === c.to && got.request.text === c.body && got.request.subject === (c.subject ?? null);
      if (ok) s.exact++;
      if (got.kind === 'send' && got.request.to !== c.to) s.wrongRecipientDrafts++;
    } else if (c.expect === 'question') {
      s.questions++;
      ok = got.kind === 'question' && (c.toName === undefined || got.partial.toName === c.toName) &&
        (c.channel === undefined || got.partial.channel === c.channel) && (c.to === undefined || got.partial.to === c.to) && (c.body === undefined || got.partial.text === c.body);
      if (ok) s.questionsOk++;
      // A draft when we should have asked who someone is goes to a recipient nobody named.
      if (got.kind === 'send' && got.request.channel !== 'notify') s.wrongRecipientDrafts++;
    } else {
      s.negatives++;
      ok = got.kind === 'reply';
      if (ok) s.negativesOk++;
      if (got.kind === 'send') s.negativeDrafts++;
    }
    if (!ok) s.failures.push(`[${c.expect}] ${c.text}\n      got ${JSON.stringify(got)}`);
  });
  return s;
}

/** Was this address written in the utterance itself (not invented or looked up)? */
export function addressWritten(text: string, to: string): boolean {
  if (to === '') return true;
  if (to.includes('@') && !to.startsWith('@')) return normaliseInput(text).toLowerCase().includes(to.toLowerCase());
  if (to.startsWith('@')) return text.toLowerCase().includes(to.toLowerCase());
  const digits = text.replace(/\D/g, '');
  return digits.length >= 7 && digits.includes(to.replace(/\D/g, '').slice(-7));
}

function push(list: string[], text: string, _count: number): void {
  if (list.length < 25) list.push(text);
}
