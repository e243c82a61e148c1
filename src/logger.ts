import { isMainThread } from 'node:worker_threads';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

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
 * stdout written 4 KB at a time, and at least every 100 ms, by libuv's threads: under load one
 * write(2) carries ~12 lines instead of one each (~30 µs of desk's CPU per accepted message at
 * 2,500 msg/s), and a write that blocks (a busy disk) never holds the event loop. pino writes
 * what is buffered when the process exits, a crash included; a SIGKILL loses up to 100 ms.
 */
function bufferedStdout(): DestinationStream {
  const stream = pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 100 });
  // pino does this for the main thread only (WORKER_THREAD runs a logger of its own)
  if (!isMainThread) process.on('exit', () => stream.flushSync());
  return stream;
}

/**
 * The one root logger; modules take children of it. Bodies and secrets never reach a log line.
 * Lines go to stdout unless a destination is given (tests capture them to check that).
 */
export function createRootLogger(level: string, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    name: 'desk',
    level,
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
  return pino(options, destination ?? bufferedStdout());
}
