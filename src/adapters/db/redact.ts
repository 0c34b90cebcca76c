/**
 * Secrets never reach the audit log. Details are first normalised to plain
 * JSON (what jsonb will store: Dates become ISO strings, undefined disappears),
 * then any value under a secret-looking key becomes "[redacted]", and bearer
 * tokens or well-known token shapes inside strings are masked.
 */
export const REDACTED = '[redacted]';

const SECRET_KEY = /(token|secret|password|authorization|api[_-]?key|bearer)/i;
// The relay's idempotency key is an identifier we want to see, not a credential.
const ALLOWED_KEYS = new Set(['idempotency_key', 'idempotencyKey']);

const SECRET_IN_TEXT: Array<[RegExp, string]> = [
  [/\bBearer\s+[A-Za-z0-9\-._~+/]+=*/gi, `Bearer ${REDACTED}`],
  // Slack tokens (xoxb-, xoxp-, xapp-…), OpenAI-style keys, Telegram bot tokens in API URLs.
  [/\bxox[a-z]-[A-Za-z0-9-]+/g, REDACTED],
  [/\bxapp-[A-Za-z0-9-]+/g, REDACTED],
  [/\bsk-[A-Za-z0-9_-]{16,}/g, REDACTED],
  [/\bbot\d{5,}:[A-Za-z0-9_-]{30,}/g, `bot${REDACTED}`],
];

export function isSecretKey(key: string): boolean {
  return !ALLOWED_KEYS.has(key) && SECRET_KEY.test(key);
}

export function redactText(text: string): string {
  return SECRET_IN_TEXT.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

/** A plain-JSON copy of `details` with secrets redacted; never mutates its input. */
export function redactDetails(details: Record<string, unknown> | undefined): Record<string, unknown> {
  if (details === undefined || details === null) return {};
  const json: unknown = JSON.parse(JSON.stringify(details) ?? '{}');
  const redacted = redactValue(json);
  return isPlainObject(redacted) ? redacted : { value: redacted };
}

function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = isSecretKey(key) ? REDACTED : redactValue(inner);
    return out;
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
