/**
 * An error as a log field that never carries what people wrote. Drizzle puts
 * the whole statement and its parameters (message text, conversation history)
 * in `message` ("Failed query: … params: …") and on `.params`; PGlite and
 * node-postgres add `query`, `params`, `detail`, `where`… So a logged error is
 * rebuilt from a short list of fields known to be safe, never spread whole.
 */

/** Fields that name what failed without quoting any value: SQLSTATE, constraint, table… */
const SAFE_FIELDS = ['code', 'errno', 'syscall', 'severity', 'constraint', 'table', 'column', 'schema', 'dataType', 'routine', 'status', 'type'] as const;
const MAX_MESSAGE = 300;
const MAX_DEPTH = 3;

/**
 * A message with anything that may be data taken out: a drizzle query and its
 * params, and the double-quoted values Postgres puts in sentences like
 * `invalid input syntax for type uuid: "…"`.
 */
export function safeMessage(message: string): string {
  let text = message;
  if (text.startsWith('Failed query:')) text = 'Failed query (statement and parameters withheld)';
  const params = text.search(/\n?params:/);
  if (params >= 0) text = text.slice(0, params);
  text = text.replace(/"(?:[^"\\]|\\.)*"/g, '"…"').replace(/\s+/g, ' ').trim();
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}

/** The error as plain, safe fields: name, a query-free message, codes, a stack whose first line is that message, and its cause. */
export function safeError(error: unknown, depth = 0): Record<string, unknown> {
  if (typeof error === 'string') return { message: safeMessage(error) };
  if (!error || typeof error !== 'object') return { message: safeMessage(String(error)) };
  const source = error as Record<string, unknown>;
  const name = typeof source.name === 'string' ? source.name : error.constructor?.name ?? 'Error';
  const message = safeMessage(typeof source.message === 'string' ? source.message : '');
  const safe: Record<string, unknown> = { type: name, message };
  for (const field of SAFE_FIELDS) {
    const value = source[field];
    if (typeof value === 'string' || typeof value === 'number') safe[field === 'type' ? 'errorType' : field] = value;
  }
  if (typeof source.stack === 'string') {
    // The stack's first lines repeat the message; keep only the frames.
    const frames = source.stack.split('\n').filter((line) => /^\s+at /.test(line));
    safe.stack = [`${name}: ${message}`, ...frames].join('\n');
  }
  if (source.cause !== undefined && depth < MAX_DEPTH) safe.cause = safeError(source.cause, depth + 1);
  return safe;
}

/** One line for places that log an error as a string: the innermost cause's safe message says what really failed. */
export function safeErrorText(error: unknown): string {
  const safe = safeError(error);
  const parts: string[] = [];
  for (let at: Record<string, unknown> | undefined = safe; at; at = at.cause as Record<string, unknown> | undefined) {
    const code = at.code === undefined ? '' : ` [${String(at.code)}]`;
    if (at.message || code) parts.push(`${String(at.message)}${code}`);
  }
  return parts.join(': ') || 'unknown error';
}
