import { createConnection, createServer, type Socket } from 'node:net';

const TIMEOUT_MS = 2000;

/** Where a client reaches a listener bound to `host` (the wildcard addresses mean this machine). */
export const reachableHost = (host: string): string =>
  host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;

/** A connected socket, or the error code when nothing could be reached (ECONNREFUSED: free). */
export function tcpConnect(host: string, port: number): Promise<Socket | string> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port, timeout: TIMEOUT_MS });
    socket.once('connect', () => resolve(socket.setTimeout(0)));
    socket.once('timeout', () => {
      socket.destroy();
      resolve('ETIMEDOUT');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

/** The first line a server sends (an SMTP greeting), or '' when it says nothing in time. */
export function firstLine(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const done = () => {
      socket.destroy();
      resolve(text.split(/\r?\n/)[0] ?? '');
    };
    socket.setTimeout(TIMEOUT_MS, done);
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (text.includes('\n')) done();
    });
    socket.once('error', done);
    socket.once('end', done);
  });
}

/** Null when this process could listen on host:port, else why not (EADDRINUSE, EACCES…). */
export function listenError(host: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(null)));
  });
}
