/**
 * `npm run eval`: how well relaybot understands requests.
 * Runs the offline parser — and the model, when OPENAI_API_KEY is set — over the
 * shared utterance corpus (if present) and our hand-labelled cases, prints the
 * figures, and exits 1 if any draft went to a wrong recipient or any non-send
 * utterance got a draft, so CI can gate on it.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Interpretation, InterpretContext } from '../../src/core/interpretation.js';
import { createOfflineInterpreter, FALLBACK } from '../../src/core/parser/index.js';
import type { Interpreter } from '../../src/core/ports.js';
import { labelledCaseSchema, readCorpus, readJsonl, type LabelledCase } from './cases.js';
import { corpusRows, labelledRows, merge, table } from './report.js';
import { scoreCorpus, scoreLabelled, toOutcome, type CorpusScore, type LabelledScore, type Outcome } from './score.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const corpusFile = path.resolve(repoRoot, '../shared/datasets/utterances.jsonl');
const labelledFile = path.resolve(repoRoot, 'test/fixtures/labelled-cases.jsonl');
const verbose = process.argv.includes('--verbose') || process.argv.includes('-v');

interface Candidate {
  interpreter: Interpreter;
  isGeneric: (reply: string) => boolean;
  concurrency: number;
}

async function candidates(): Promise<Candidate[]> {
  // The catch-all FALLBACK does say what relaybot can and cannot do, but it is what every
  // sentence nobody understood gets (most `other` utterances too), so counting it as a
  // "cannot" sentence would let "send left unhandled" never fail. Only the specific
  // sentences (calls, inbox, questions, money …) count as handled.
  const list: Candidate[] = [{ interpreter: createOfflineInterpreter(), isGeneric: (t) => t === FALLBACK, concurrency: 1 }];
  const apiKey = process.env.OPENAI_API_KEY;
  if (apiKey) {
    // Imported only when wanted, so the eval runs without the model adapter's dependencies.
    const { createOpenAIInterpreter } = await import('../../src/adapters/openai/index.js');
    const interpreter = createOpenAIInterpreter({ apiKey, baseURL: process.env.OPENAI_BASE_URL, model: process.env.OPENAI_MODEL });
    // One probe first: an unreachable model is one line, not a column of errors.
    try {
      await interpreter.interpret('help', contextFor('US'));
    } catch (error) {
      console.log(`Model unavailable (${error instanceof Error ? error.message : String(error)}); running the offline parser only.`);
      return list;
    }
    list.push({
      interpreter,
      // The model's words vary; only a reply that merely re-asks counts as unhandled.
      isGeneric: (t) => !/\b(?:can't|cannot|can not|unable|not able|only)\b/i.test(t),
      concurrency: 4,
    });
  }
  return list;
}

async function runAll(c: Candidate, items: Array<{ text: string; context: InterpretContext }>): Promise<Outcome[]> {
  const out: Outcome[] = new Array(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const i = next++;
      const item = items[i]!;
      let result: Interpretation;
      try {
        result = await c.interpreter.interpret(item.text, item.context);
      } catch (error) {
        // An unreachable model is a reply (no draft), and is reported as such.
        result = { kind: 'reply', text: `error: ${error instanceof Error ? error.message : String(error)}` };
      }
      out[i] = toOutcome(result, c.isGeneric);
    }
  }
  await Promise.all(Array.from({ length: c.concurrency }, worker));
  return out;
}

const contextFor = (region: string, contactNames?: string[]): InterpretContext => ({ history: [], defaultRegion: region, contactNames });

async function main(): Promise<number> {
  const list = await candidates();
  const names = list.map((c) => c.interpreter.name);
  const corpus = readCorpus(corpusFile);
  const cases: LabelledCase[] = readJsonl(labelledFile, labelledCaseSchema);
  let failed = false;

  if (!corpus) console.log(`Corpus not found at ${corpusFile}; running the labelled cases only.`);
  else {
    const scores: CorpusScore[] = [];
    for (const c of list) scores.push(scoreCorpus(corpus, await runAll(c, corpus.map((r) => ({ text: r.text, context: contextFor('US') }))))); 
    console.log(`\n${table('Corpus (CLINC150 + SLURP)', merge(scores.map(corpusRows)), names)}`);
    scores.forEach((s, i) => {
      if (s.otherDrafts > 0 || s.wrongRecipientDrafts > 0) failed = true;
      details(names[i]!, { 'drafts for other': s.examples.otherDrafts, 'wrong recipient': s.examples.wrongRecipient }, true);
      if (verbose) details(names[i]!, { unhandled: s.examples.unhandled, 'recipient misses': s.examples.recipientMisses, 'other → question': s.examples.otherQuestions }, false);
    });
  }

  const labelled: LabelledScore[] = [];
  for (const c of list) labelled.push(scoreLabelled(cases, await runAll(c, cases.map((k) => ({ text: k.text, context: contextFor(k.region, k.contacts) })))));
  console.log(`\n${table(`Labelled cases (${cases.length})`, merge(labelled.map(labelledRows)), names)}`);
  labelled.forEach((s, i) => {
    if (s.negativeDrafts > 0 || s.wrongRecipientDrafts > 0) failed = true;
    if (verbose) details(names[i]!, { 'labelled misses': s.failures }, false);
  });

  console.log(failed ? '\nFAIL: a draft went to a wrong recipient or to a non-send request.' : '\nOK: no draft to a wrong recipient, no draft for a non-send request.');
  return failed ? 1 : 0;
}

function details(name: string, groups: Record<string, string[]>, always: boolean): void {
  for (const [label, items] of Object.entries(groups)) {
    if (items.length === 0 || (!always && !verbose)) continue;
    console.log(`\n[${name}] ${label}:`);
    for (const item of items) console.log(`  - ${item}`);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`eval failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
