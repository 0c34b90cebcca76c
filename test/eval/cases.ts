import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { channelSchema } from '../../src/core/send-request.js';

/** One line of the shared corpus (CLINC150 + SLURP), as described in its README. */
export const corpusRowSchema = z.object({
  source: z.string(),
  text: z.string(),
  intent: z.enum(['send', 'other']),
  channel: z.string().nullable(),
  recipient: z.string().nullable(),
});
export type CorpusRow = z.infer<typeof corpusRowSchema>;

/**
 * One hand-written labelled case. `expect` is what a careful assistant does:
 * `send` with every field, `question` (with what it should have kept), or `reply` (no draft).
 */
export const labelledCaseSchema = z.object({
  text: z.string().min(1),
  region: z.string().length(2).default('US'),
  /** Saved contact names visible to the parser. */
  contacts: z.array(z.string()).optional(),
  expect: z.enum(['send', 'question', 'reply']),
  channel: channelSchema.optional(),
  to: z.string().optional(),
  toName: z.string().optional(),
  body: z.string().optional(),
  subject: z.string().nullable().optional(),
  note: z.string().optional(),
});
export type LabelledCase = z.infer<typeof labelledCaseSchema>;

/** Read a JSONL file; every line must parse, and a bad one names its line. */
export function readJsonl<T>(file: string, schema: z.ZodType<T>): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter(({ line }) => line.length > 0)
    .map(({ line, n }) => {
      const parsed = schema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${file}:${n}: ${parsed.error.issues[0]?.message ?? 'invalid line'}`);
      return parsed.data;
    });
}

export function readCorpus(file: string): CorpusRow[] | null {
  return existsSync(file) ? readJsonl(file, corpusRowSchema) : null;
}
