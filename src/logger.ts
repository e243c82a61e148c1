import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/** A token pasted into a URL (GitLab clients send `?private_token=`) must not reach a log line. */
const SECRET_QUERY = /([?&](?:private_token|access_token|token)=)[^&#]*/gi;

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** What fastify logs of a request by default, the URL's secrets redacted. */
function requestSummary(req: LoggedRequest) {
  return {
    method: req.method,
    url: req.url?.replace(SECRET_QUERY, '$1[redacted]'),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/**
 * The one root logger; modules take children of it. Bodies and secrets never reach a log line.
 * Lines go to stdout unless a destination is given (tests capture them to check that).
 */
export function createRootLogger(level: string, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    name: 'desk',
    level,
    timestamp: pino.stdTimeFunctions.isoTime,
    // a root serializer wins over fastify's own for `req`
    serializers: { req: requestSummary },
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

/** For a person at a terminal (LOG_FORMAT=pretty): one coloured line per entry, local time. */
export function prettyDestination(): DestinationStream {
  return pretty({
    sync: true,
    colorize: process.stdout.isTTY,
    translateTime: 'SYS:HH:MM:ss.l',
    singleLine: true,
    messageFormat: '{if module}{module}: {end}{msg}',
    ignore: 'pid,hostname,name,module',
  });
}
