import { pino, type Logger as PinoLogger } from 'pino';

/**
 * JSON logs to stdout. Redaction is a second line of defence: secrets should
 * never reach a log call, but if a header or config object does, they are masked.
 */
export function createLogger(level: string): PinoLogger {
  return pino({
    level,
    base: { service: 'relaybot' },
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
  });
}
