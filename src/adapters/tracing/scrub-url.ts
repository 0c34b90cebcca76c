/**
 * Outgoing URLs carry secrets in their paths: Telegram's bot token
 * (`/bot123:ABC…/sendMessage`), Slack's response_url
 * (`/commands/T…/123…/<secret>`). The HTTP instrumentations put the URL on
 * client spans; these helpers overwrite it with a copy that keeps the origin
 * and the shape of the path but none of its tokens, and no query string.
 */
import type { Span } from '@opentelemetry/api';

const REDACTED = '[redacted]';

/** A path segment long and mixed enough to be a token (draft ids and API method names stay readable). */
const TOKEN_SEGMENT = /^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9_:.~%-]{16,}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function scrubPath(path: string): string {
  const pathname = path.split(/[?#]/, 1)[0] ?? '';
  return pathname
    .split('/')
    .map((segment) => {
      if (/^bot\d+:/.test(segment)) return `bot${REDACTED}`;
      return TOKEN_SEGMENT.test(segment) && !UUID.test(segment) ? REDACTED : segment;
    })
    .join('/');
}

export function scrubUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${scrubPath(parsed.pathname)}`;
  } catch {
    return REDACTED;
  }
}

/** Overwrite every URL attribute an HTTP client span may carry (stable and older semantic conventions). */
export function scrubClientSpan(span: Span, url: string): void {
  const full = scrubUrl(url);
  let path = '/';
  try {
    path = scrubPath(new URL(full).pathname);
  } catch {
    // keep '/'
  }
  span.setAttributes({ 'url.full': full, 'url.path': path, 'url.query': '', 'http.url': full, 'http.target': path });
}
