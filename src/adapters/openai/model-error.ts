import OpenAI from 'openai';
import { AppError } from '../../core/errors.js';

const TRY_AGAIN = 'The language model is not answering right now; try again in a moment, or ask an admin to check the OPENAI_* settings if it keeps happening.';

/**
 * Any failure to get an answer from the model (after the SDK's own retries)
 * as one `unavailable:model` AppError with a sentence people can read. The
 * SDK's message stays in `cause` for the logs; it never reaches a person.
 */
export function modelUnavailable(error: unknown, model: string): AppError {
  if (error instanceof OpenAI.APIError && error.status !== undefined) {
    const status = error.status;
    const details = { status, model };
    if (status === 401 || status === 403) {
      return new AppError('unavailable:model', `The language model refused relaybot's credentials (HTTP ${status}); ask an admin to check OPENAI_API_KEY.`, { cause: error, details });
    }
    if (status === 404) {
      return new AppError('unavailable:model', `The language model "${model}" was not found (HTTP 404); ask an admin to check OPENAI_MODEL and OPENAI_BASE_URL.`, { cause: error, details });
    }
    const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
    // Adapters do not import each other; OpenAI sends plain seconds here, so no HTTP-date parsing.
    const seconds = Number(error.headers?.get('retry-after') ?? NaN);
    const retryAfterMs = Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : undefined;
    return new AppError('unavailable:model', TRY_AGAIN, {
      cause: error,
      isRetryable: retryable,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      details,
    });
  }
  // Connection refused, timeout, or a server that answered something that is not an OpenAI response.
  return new AppError('unavailable:model', TRY_AGAIN, { cause: error, isRetryable: true, details: { model } });
}
