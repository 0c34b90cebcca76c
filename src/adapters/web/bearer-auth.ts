import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { ErrorBody } from './http-errors.js';

// Hashing both sides first gives equal-length buffers, so timingSafeEqual
// leaks neither the token's characters nor its length.
const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** True when `presented` is the configured token, compared in constant time. */
export function tokenMatches(expected: string, presented: string): boolean {
  return timingSafeEqual(digest(expected), digest(presented));
}

/**
 * `/api/*` guard. No token configured means open — the configuration only
 * allows that on a loopback HOST. With a token, `Authorization: Bearer <token>` is required.
 */
export function bearerAuth(token: string | undefined): RequestHandler {
  if (!token) return (_req, _res, next) => next();
  return (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (match?.[1] && tokenMatches(token, match[1])) {
      next();
      return;
    }
    const error = match
      ? 'That API token is not valid.'
      : 'This API needs a token: send "Authorization: Bearer <WEB_API_TOKEN>".';
    res.status(401).set('www-authenticate', 'Bearer realm="relaybot"').json({ error, code: 'denied:token' } satisfies ErrorBody);
  };
}
