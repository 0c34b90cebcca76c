import { BotError, GrammyError, HttpError, type Transformer } from 'grammy';
import { safeError } from '../../safe-error.js';

/**
 * The bot token is part of every Bot API URL, and node-fetch puts the URL in
 * its error messages ("request to …/bot<token>/sendMessage failed"). grammY
 * keeps that error on `HttpError.error`, where any logger would print it. This
 * transformer (installed outermost) rethrows network errors with the token
 * scrubbed, so no log line anywhere — ours, the runner's, the delivery
 * worker's — can carry it.
 */
export function scrubTokenFromErrors(token: string): Transformer {
  const scrub = (text: string): string => text.split(token).join('<token>');
  return async (prev, method, payload, signal) => {
    try {
      return await prev(method, payload, signal);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      const inner = error.error instanceof Error ? scrub(error.error.message) : 'network error';
      throw new HttpError(scrub(error.message), new Error(inner));
    }
  };
}

/**
 * An error as a log field: what failed and why, without the message payload a
 * GrammyError carries (it holds what people wrote) or the parameters of a failed query.
 */
export function loggableError(error: unknown): Record<string, unknown> {
  if (error instanceof BotError) return loggableError(error.error);
  if (error instanceof GrammyError) {
    return { type: 'GrammyError', method: error.method, code: error.error_code, description: error.description };
  }
  if (error instanceof HttpError) {
    return { type: 'HttpError', message: error.message, cause: error.error instanceof Error ? error.error.message : undefined };
  }
  // Anything else may be a database error carrying the statement and its parameters: safe fields only.
  return safeError(error);
}
