// The raw SMTP client of the load generators (test/faults, bench): one connection whose replies
// are read line by line; a closed socket rejects the read that waits. Plain CommonJS, so the
// generators run as their own node processes without a build.
'use strict';
const net = require('node:net');

/** Resolves with {socket, next, cmd} once connected, or null when the connection fails. */
function connect({ port, host = '127.0.0.1', timeoutMs }) {
  return new Promise((resolve) => {
    const socket = net.createConnection({ port, host });
    socket.setNoDelay(true);
    const codes = [];
    let buffer = '';
    let waiter = null;
    let closed = false;
    socket.setEncoding('utf8');
    socket.setTimeout(timeoutMs, () => socket.destroy());
    socket.on('data', (chunk) => {
      buffer += chunk;
      let i;
      while ((i = buffer.indexOf('\r\n')) !== -1) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (line[3] === '-') continue;
        codes.push(Number(line.slice(0, 3)));
        if (waiter) waiter.resolve(codes.shift());
        waiter = null;
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      if (waiter) waiter.reject(new Error('connection closed'));
      waiter = null;
    });
    const next = () =>
      new Promise((res, rej) => {
        if (codes.length) return res(codes.shift());
        if (closed) return rej(new Error('connection closed'));
        waiter = { resolve: res, reject: rej };
      });
    const cmd = (text) => {
      socket.write(text + '\r\n');
      return next();
    };
    socket.once('connect', () => resolve({ socket, next, cmd }));
    socket.once('close', () => resolve(null));
  });
}

/**
 * Whether an SMTP server on the port greets with 220. A bare TCP connect is not enough: desk
 * listens for a moment on its ports at startup to check they are free, before it serves.
 */
async function greets(port, timeoutMs = 2000) {
  const session = await connect({ port, timeoutMs });
  if (!session) return false;
  try {
    return (await session.next()) === 220;
  } catch {
    return false;
  } finally {
    session.socket.destroy();
  }
}

module.exports = { connect, greets };
