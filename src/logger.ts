import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import { activeTraceId } from './app/tracing.js';
import { tracingEnabled } from './adapters/tracing/config.js';
import { safeError, safeMessage } from './safe-error.js';

/**
 * JSON logs to stdout. Redaction is a second line of defence: secrets should
 * never reach a log call, but if a header or config object does, they are masked.
 * Errors (under `err` or `error`) are rebuilt from safe fields only, and the
 * line's message is cleaned the same way: a database error's statement and
 * parameters (what people wrote, conversation history) never reach a log.
 */
export function createLogger(level: string, destination?: DestinationStream): PinoLogger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'relaybot' },
    // With tracing on, a line logged inside a request carries its trace id, so logs and traces meet.
    ...(tracingEnabled() ? { mixin: () => { const traceId = activeTraceId(); return traceId ? { trace_id: traceId } : {}; } } : {}),
    serializers: { err: (value: unknown) => safeError(value), error: (value: unknown) => safeError(value) },
    hooks: {
      logMethod(args, method) {
        const [first, second, ...rest] = args as unknown[];
        if (typeof first === 'string') return method.apply(this, [safeMessage(first), ...(args.slice(1) as [])]);
        if (typeof second === 'string') return method.apply(this, [first as object, safeMessage(second), ...(rest as [])]);
        return method.apply(this, args);
      },
    },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-slack-signature"]',
        'req.headers["x-telegram-bot-api-secret-token"]',
        '*.apiKey', '*.token', '*.botToken', '*.signingSecret', '*.appToken', '*.webhookSecret',
        'env.OPENAI_API_KEY', 'env.RELAY_API_KEY', 'env.AUDIT_KEY', 'env.SLACK_BOT_TOKEN', 'env.SLACK_SIGNING_SECRET',
        'env.SLACK_APP_TOKEN', 'env.TELEGRAM_BOT_TOKEN', 'env.TELEGRAM_WEBHOOK_SECRET', 'env.WEB_API_TOKEN',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
