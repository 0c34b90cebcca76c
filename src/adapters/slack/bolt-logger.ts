import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../core/ports.js';
import { safeErrorText, safeMessage } from '../../safe-error.js';

/**
 * Bolt's logger interface over the app's. Only messages are passed on — an
 * error's safe text, never the object: HTTP client errors can carry request
 * headers, and those hold the bot token; a listener's database error carries
 * what people wrote. Debug output is dropped.
 */
export function boltLogger(logger: Logger): BoltLogger {
  const text = (parts: unknown[]): string =>
    parts.map((p) => (p instanceof Error ? safeErrorText(p) : typeof p === 'string' ? safeMessage(p) : safeJson(p))).join(' ');
  return {
    debug: () => {},
    info: (...msg: unknown[]) => logger.info({ source: 'bolt' }, text(msg)),
    warn: (...msg: unknown[]) => logger.warn({ source: 'bolt' }, text(msg)),
    error: (...msg: unknown[]) => logger.error({ source: 'bolt' }, text(msg)),
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value)?.replace(/xox[a-z]-[A-Za-z0-9-]+/g, 'xox?-[redacted]') ?? String(value);
  } catch {
    return String(value);
  }
}
