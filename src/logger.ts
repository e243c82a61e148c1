import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** The one root logger; modules take children of it. Bodies and secrets never reach a log line. */
export function createRootLogger(level: string, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
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
  };
  return destination ? pino(options, destination) : pino(options);
}
