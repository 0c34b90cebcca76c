import type { CorpusScore, LabelledScore } from './score.js';

const pct = (n: number, d: number): string => (d === 0 ? '—' : `${((100 * n) / d).toFixed(1)} %`);

/** A two-column table with the interpreter names as columns. */
export function table(title: string, rows: Array<[string, ...string[]]>, columns: string[]): string {
  const widths = [Math.max(title.length, ...rows.map((r) => r[0].length)), ...columns.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i + 1] ?? '').length)))];
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [line([title, ...columns]), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(r))].join('\n');
}

export function corpusRows(s: CorpusScore): Array<[string, string]> {
  return [
    ['utterances (send / other)', `${s.total} (${s.send} / ${s.other})`],
    ['send-intent precision', pct(s.precision * 1000, 1000)],
    ['send-intent recall', pct(s.recall * 1000, 1000)],
    ['send → draft / question / cannot', `${s.sendDraft} / ${s.sendQuestion} / ${s.sendCannot}`],
    ['send left unhandled', String(s.sendUnhandled)],
    ['recipient accuracy (annotated)', `${pct(s.recipientCorrect, s.recipientAnnotated)} (${s.recipientCorrect}/${s.recipientAnnotated})`],
    ['  … where one was named', `${pct(s.recipientCorrect, s.recipientPredicted)} (${s.recipientCorrect}/${s.recipientPredicted})`],
    ['other → questions', String(s.otherQuestions)],
    ['DRAFTS for other', String(s.otherDrafts)],
    ['DRAFTS to a wrong recipient', String(s.wrongRecipientDrafts)],
  ];
}

export function labelledRows(s: LabelledScore): Array<[string, string]> {
  return [
    ['explicit-address exact', `${pct(s.exact, s.explicit)} (${s.exact}/${s.explicit})`],
    ['name / missing → right question', `${pct(s.questionsOk, s.questions)} (${s.questionsOk}/${s.questions})`],
    ['negatives → reply', `${pct(s.negativesOk, s.negatives)} (${s.negativesOk}/${s.negatives})`],
    ['DRAFTS for negatives', String(s.negativeDrafts)],
    ['DRAFTS to a wrong recipient', String(s.wrongRecipientDrafts)],
  ];
}

/** Put several interpreters' rows side by side. */
export function merge(columns: Array<Array<[string, string]>>): Array<[string, ...string[]]> {
  const first = columns[0] ?? [];
  return first.map((row, i) => [row[0], ...columns.map((c) => c[i]?.[1] ?? '')] as [string, ...string[]]);
}
