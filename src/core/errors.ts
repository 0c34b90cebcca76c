/**
 * One error type for the whole app. `code` is for logs and metrics
 * (`denied:policy`, `invalid:recipient`, `unavailable:relay`…); `message` is a
 * sentence a person can read — it is what front-ends show, never a stack.
 */
export type ErrorCode =
  | 'invalid:request'
  | 'invalid:recipient'
  | 'invalid:text'
  | 'invalid:channel'
  | 'invalid:config'
  | 'invalid:send_at'
  | 'invalid:address'
  | 'denied:policy'
  | 'denied:channel'
  | 'denied:recipient'
  | 'denied:sender'
  | 'denied:rate_limit'
  | 'denied:decider'
  | 'denied:opt_out'
  | 'denied:quiet_hours'
  | 'conflict:draft'
  | 'conflict:data_dir'
  | 'conflict:version'
  | 'not_found:draft'
  | 'expired:draft'
  | 'unavailable:relay'
  | 'rejected:relay'
  | 'unavailable:model'
  | 'internal';

export interface AppErrorOptions {
  cause?: unknown;
  /** True when trying the same thing again later may succeed (429, 5xx, network). */
  isRetryable?: boolean;
  /** How long the other side asked us to wait, in milliseconds. */
  retryAfterMs?: number;
  /** Extra structured data for the audit log (never secrets). */
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly isRetryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.isRetryable = options.isRetryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.details = options.details;
  }

  static is(value: unknown, code?: ErrorCode): value is AppError {
    return value instanceof AppError && (code === undefined || value.code === code);
  }
}

/** The one refusal for a draft id that matches nothing (never existed, or a tampered button value). */
export const draftNotFound = (): AppError => new AppError('not_found:draft', 'That draft does not exist (any more).');

/** The sentence to show a person for any thrown value: ours verbatim, anything else generic. */
export function userMessage(error: unknown): string {
  if (error instanceof AppError) return error.message;
  return 'Something went wrong on our side; nothing was sent. Please try again.';
}
