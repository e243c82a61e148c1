// A separate process that sends numbered emails over SMTP like a patient MTA: a 4xx reply or a
// broken connection means "try again later". Bounded in count and time; loopback only.
// Usage: node load-generator.js '{"port":2525,"to":"support+k@desk.localhost","count":3000,
//   "concurrency":8,"seconds":120,"out":"/tmp/x.json","run":"r1"}'
'use strict';
const net = require('node:net');
const fs = require('node:fs');

const opts = JSON.parse(process.argv[2]);
const pending = Array.from({ length: opts.count }, (_, i) => i);
const accepted = new Set();
const replies = { ok: 0, temp: 0, perm: 0, dropped: 0 };
const okTimes = [];
const deadline = Date.now() + opts.seconds * 1000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function message(i) {
  return (
    `From: customer${i % 50}@load.example\r\nTo: ${opts.to}\r\nSubject: fault ${opts.run} #${i}\r\n` +
    `Message-ID: <${opts.run}.${i}@load.example>\r\nDate: ${new Date().toUTCString()}\r\n\r\n` +
    `Fault run ${opts.run}, message ${i}.\r\n${'x'.repeat(1500)}\r\n`
  );
}

/** One SMTP connection: replies are read line by line; a closed socket rejects the waiting read. */
function connect() {
  return new Promise((resolve) => {
    const socket = net.createConnection({ port: opts.port, host: '127.0.0.1' });
    const codes = [];
    let buffer = '';
    let waiter = null;
    let closed = false;
    socket.setEncoding('utf8');
    socket.setTimeout(20000, () => socket.destroy());
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

async function transaction(s, i) {
  const mail = await s.cmd(`MAIL FROM:<customer${i % 50}@load.example>`);
  if (mail !== 250) return mail;
  const rcpt = await s.cmd(`RCPT TO:<${opts.to}>`);
  if (rcpt !== 250) return rcpt;
  const data = await s.cmd('DATA');
  if (data !== 354) return data;
  s.socket.write(message(i) + '.\r\n');
  return s.next();
}

async function worker() {
  while (Date.now() < deadline && accepted.size < opts.count) {
    if (pending.length === 0) {
      await sleep(50);
      continue;
    }
    const s = await connect();
    if (!s) {
      replies.dropped++;
      await sleep(200);
      continue;
    }
    let current;
    try {
      if ((await s.next()) !== 220) throw new Error('no greeting');
      await s.cmd('EHLO load.example');
      while (Date.now() < deadline && (current = pending.shift()) !== undefined) {
        const code = await transaction(s, current);
        if (code === 250) {
          replies.ok++;
          accepted.add(current);
          okTimes.push(Date.now());
        } else {
          replies[code >= 500 ? 'perm' : 'temp']++;
          pending.push(current);
          await s.cmd('RSET');
          await sleep(200);
        }
        current = undefined;
      }
      await s.cmd('QUIT').catch(() => undefined);
    } catch {
      replies.dropped++;
      if (current !== undefined) pending.push(current);
      await sleep(200);
    } finally {
      s.socket.destroy();
    }
  }
}

Promise.all(Array.from({ length: opts.concurrency }, worker)).then(() => {
  const result = { sent: opts.count, accepted: [...accepted], replies, okTimes };
  fs.writeFileSync(opts.out, JSON.stringify(result));
  process.exit(0);
});
