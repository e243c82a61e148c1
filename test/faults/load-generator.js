// A separate process that sends numbered emails over SMTP like a patient MTA: a 4xx reply or a
// broken connection means "try again later". Bounded in count and time; loopback only.
// Usage: node load-generator.js '{"port":2525,"to":"support+k@desk.localhost","count":3000,
//   "concurrency":8,"seconds":120,"out":"/tmp/x.json","run":"r1","largeEvery":40,"first":0}'
// first: the number of the first message (several generators, one per listener, share a run).
// largeEvery: every n-th message carries 1.5 MB more, so the listener's streaming path (COPY)
// is interrupted by the faults too.
'use strict';
const { connect } = require('../support/smtp-session');
const fs = require('node:fs');

const opts = JSON.parse(process.argv[2]);
const pending = Array.from({ length: opts.count }, (_, i) => (opts.first ?? 0) + i);
const accepted = new Set();
const replies = { ok: 0, temp: 0, perm: 0, dropped: 0 };
const okTimes = [];
const deadline = Date.now() + opts.seconds * 1000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function message(i) {
  return (
    `From: customer${i % 50}@load.example\r\nTo: ${opts.to}\r\nSubject: fault ${opts.run} #${i}\r\n` +
    `Message-ID: <${opts.run}.${i}@load.example>\r\nDate: ${new Date().toUTCString()}\r\n\r\n` +
    `Fault run ${opts.run}, message ${i}.\r\n${'x'.repeat(1500)}\r\n` +
    (opts.largeEvery && i % opts.largeEvery === 0 ? `${'y'.repeat(998)}\r\n`.repeat(1500) : '')
  );
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
    const s = await connect({ port: opts.port, timeoutMs: 20000 });
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
