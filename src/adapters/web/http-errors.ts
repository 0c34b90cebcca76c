import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { AppError } from '../../core/errors.js';
import type { Logger } from '../../core/ports.js';

/** What every /api error body looks like: a sentence, and a code a program can branch on. */
export interface ErrorBody {
  error: string;
  code: string;
}

export const INTERNAL_ERROR = 'Something went wrong on our side; nothing was sent.';

/** The HTTP status for an AppError code: the family before the colon decides. */
export function statusForCode(code: string): number {
  const family = code.split(':')[0];
  switch (family) {
    case 'not_found':
      return 404;
    case 'denied':
      return code === 'denied:rate_limit' ? 429 : 403;
    case 'conflict':
    case 'expired':
      return 409;
    case 'invalid':
      // A request we cannot read (or store) at all, or one missing what it must say (e.g. `version`), is a 400; a readable one that fails a rule is a 422.
      return code === 'invalid:request' ? 400 : 422;
    case 'unavailable':
      return 503;
    case 'rejected':
      return 502;
    default:
      return 500;
  }
}

/** Answer an AppError with its sentence and code; a 429 also says, in whole seconds, when to try again. */
export function sendAppError(res: Response, error: AppError): void {
  const body: ErrorBody = { error: error.message, code: error.code };
  const status = statusForCode(error.code);
  if (status === 429 && error.retryAfterMs !== undefined && error.retryAfterMs > 0) {
    // Rounded up: a client that waits exactly this long is never early.
    res.set('retry-after', String(Math.ceil(error.retryAfterMs / 1000)));
  }
  res.status(status).json(body);
}

/** "messages: at least one message is needed" — the first problem zod found, named by its field. */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'The request body is not valid.';
  const field = issue.path.length > 0 ? issue.path.join('.') : 'body';
  return `${field}: ${issue.message}`;
}

/** A 400 for a request we cannot read, naming the field and why. */
export function badRequest(res: Response, reason: string): void {
  const body: ErrorBody = { error: reason, code: 'invalid:request' };
  res.status(400).json(body);
}

/** Unknown /api routes answer JSON, not Express's HTML page. */
export const apiNotFound: RequestHandler = (req, res) => {
  res.status(404).json({ error: `There is no ${req.method} ${req.originalUrl.split('?')[0]} route.`, code: 'not_found:route' } satisfies ErrorBody);
};

interface ClientErrorShape {
  type?: unknown;
  message?: unknown;
  status?: unknown;
  code?: unknown;
  name?: unknown;
}

/**
 * Errors Express and body-parser raise for a request they cannot read: the
 * client's fault and safe to explain. body-parser marks its own with `type`;
 * the router marks a path it cannot percent-decode with status 400; zlib's
 * errors (a body that is not what its content-encoding says) carry a `Z_…` code.
 */
function clientErrorReason(err: ClientErrorShape): { status: number; reason: string } | null {
  if (err.name === 'URIError' && err.status === 400) {
    return { status: 400, reason: 'The path is not valid percent-encoding (a % must be followed by two hex digits forming UTF-8).' };
  }
  if (typeof err.code === 'string' && err.code.startsWith('Z_')) {
    return { status: 400, reason: 'The body is not valid gzip or deflate data, although its content-encoding says it is.' };
  }
  switch (err.type) {
    case 'entity.parse.failed':
      return { status: 400, reason: `The request body is not valid JSON (${String(err.message)}).` };
    case 'entity.too.large':
      return { status: 413, reason: 'The request body is too large (at most 100 kB).' };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, reason: 'Send the body as UTF-8 JSON.' };
    case 'request.aborted':
      return { status: 400, reason: 'The request was aborted before its body arrived.' };
    default:
      // Any other error http-errors marked as the client's (4xx): a 400-family answer, never a 500.
      if (typeof err.status === 'number' && err.status >= 400 && err.status < 500) {
        return { status: err.status, reason: 'The request could not be read.' };
      }
      return null;
  }
}

/**
 * The one error funnel: AppErrors and body-parser errors are explained;
 * anything else is logged whole and answered with a generic sentence — never a stack.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      // Too late for a JSON answer (a stream was under way): log, and let Express cut the connection.
      logger.error({ err, method: req.method, url: req.path }, 'error after the response started');
      next(err);
      return;
    }
    if (err instanceof AppError) {
      sendAppError(res, err);
      return;
    }
    if (err && typeof err === 'object') {
      const parsed = clientErrorReason(err as ClientErrorShape);
      if (parsed) {
        res.status(parsed.status).json({ error: parsed.reason, code: 'invalid:request' } satisfies ErrorBody);
        return;
      }
    }
    logger.error({ err, method: req.method, url: req.path }, 'unhandled error in an HTTP route');
    res.status(500).json({ error: INTERNAL_ERROR, code: 'internal' } satisfies ErrorBody);
  };
}
