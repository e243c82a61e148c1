import pino, { type Logger } from 'pino';

export type { Logger };

/** The one root logger; modules take children of it. Bodies and secrets never reach a log line. */
export function createRootLogger(level: string): Logger {
  return pino({
    name: 'desk',
    level,
    redact: {
      paths: [
        'raw',
        'body',
        'text',
        'html',
        'token',
        'password',
        '*.raw',
        '*.body',
        '*.text',
        '*.html',
        '*.token',
        'req.headers.authorization',
      ],
      censor: '[redacted]',
    },
  });
}
