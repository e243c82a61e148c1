// Benchmark load generator, a separate process (forked by bench/run.js; reports over IPC).
// Lock-step SMTP (no pipelining) over `concurrency` long-lived connections, one session per
// connection, many messages per session.
//   mode "closed": send `count` messages as fast as the server answers.
//   mode "open":   message i is due at start + i/rate (open loop); latency is measured from the
//                  due time (coordinated-omission corrected) and from the final "." to the 250.
// `size`: total bytes of each message (headers + body); above 64 KB the body is a base64
// attachment. Bounded by `seconds`; loopback only.
'use strict';
const { connect } = require('../test/support/smtp-session');

const opts = JSON.parse(process.argv[2]);
const concurrency = opts.concurrency || 32;
const size = opts.size || 2048;
const count = opts.mode === 'open' ? Math.round(opts.rate * opts.seconds) : opts.count;
const deadline = Date.now() + (opts.seconds + (opts.mode === 'open' ? 30 : 0)) * 1000;
const run = opts.run || 'bench';
const now = () => performance.now();

let next = 0;
let ok = 0;
let temp = 0;
let perm = 0;
let dropped = 0;
let firstOk = null;
let lastOk = null;
const fullLat = [];
const dataLat = [];
// how late the generator itself started each due message (its own scheduling on a busy machine)
const lateness = [];
// each command's round trip, to see which part of a transaction its tail comes from
const commandLat = { MAIL: [], RCPT: [], DATA: [] };

async function timed(s, verb, line) {
  const t = now();
  const code = await s.cmd(line);
  commandLat[verb].push(now() - t);
  return code;
}
const retry = [];

function message(i) {
  const from = `customer${i % 50}@load.example`;
  const cc = `customer${(i + 7) % 50}@load.example`;
  const head =
    `From: ${from}\r\nTo: ${opts.to}\r\nCc: ${cc}\r\nSubject: bench ${run} #${i}\r\n` +
    `Message-ID: <${run}.${i}@load.example>\r\nDate: ${new Date().toUTCString()}\r\nMIME-Version: 1.0\r\n`;
  if (size <= 65536) {
    const text = `Benchmark ${run}, message ${i}.\r\n`;
    const fill = Math.max(0, size - head.length - 2 - text.length - 2);
    const lines = [];
    for (let left = fill; left > 0; left -= 78)
      lines.push('x'.repeat(Math.max(0, Math.min(76, left - 2))));
    return `${head}Content-Type: text/plain; charset=utf-8\r\n\r\n${text}${lines.join('\r\n')}\r\n`;
  }
  const boundary = `b-${run}-${i}`;
  const top =
    `${head}Content-Type: multipart/mixed; boundary="${boundary}"\r\n\r\n` +
    `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nA large message, ${i}.\r\n` +
    `--${boundary}\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n` +
    `Content-Disposition: attachment; filename="big-${i}.bin"\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  const b64Bytes = size - top.length - tail.length;
  const lineCount = Math.floor(b64Bytes / 78);
  const raw = Buffer.alloc(Math.floor((lineCount * 76 * 3) / 4));
  for (let k = 0; k < raw.length; k++) raw[k] = (k * 2654435761) >>> 24;
  const b64 = raw
    .toString('base64')
    .match(/.{1,76}/g)
    .join('\r\n');
  return top + b64 + tail;
}

async function transaction(s, i, due) {
  if (due !== null) lateness.push(now() - due);
  const mail = await timed(s, 'MAIL', `MAIL FROM:<customer${i % 50}@load.example> SIZE=${size}`);
  if (mail !== 250) return mail;
  const rcpt = await timed(s, 'RCPT', `RCPT TO:<${opts.to}>`);
  if (rcpt !== 250) return rcpt;
  const data = await timed(s, 'DATA', 'DATA');
  if (data !== 354) return data;
  const body = message(i) + '.\r\n';
  s.socket.write(body);
  const dot = now();
  const code = await s.next();
  if (code === 250) {
    const t = now();
    dataLat.push(t - dot);
    if (due !== null) fullLat.push(t - due);
  }
  return code;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let t0 = 0;

function take() {
  if (retry.length) return retry.shift();
  if (next < count) return next++;
  return undefined;
}

async function connection() {
  while (Date.now() < deadline && ok < count) {
    const s = await connect({ port: opts.port, timeoutMs: 60000 });
    if (!s) {
      dropped++;
      await sleep(100);
      continue;
    }
    let current;
    try {
      if ((await s.next()) !== 220) throw new Error('no greeting');
      await s.cmd('EHLO load.example');
      while (Date.now() < deadline && (current = take()) !== undefined) {
        let due = null;
        if (opts.mode === 'open') {
          due = t0 + (current * 1000) / opts.rate;
          const wait = due - now();
          if (wait > 0) await sleep(wait);
        }
        const code = await transaction(s, current, due);
        if (code === 250) {
          ok++;
          const t = Date.now();
          if (firstOk === null) firstOk = t;
          lastOk = t;
        } else {
          if (code >= 500) perm++;
          else temp++;
          if (code < 500) retry.push(current);
          await s.cmd('RSET');
        }
        current = undefined;
      }
      await s.cmd('QUIT').catch(() => undefined);
    } catch {
      dropped++;
      if (current !== undefined) retry.push(current);
      await sleep(100);
    } finally {
      s.socket.destroy();
    }
    if (next >= count && retry.length === 0) break;
  }
}

const startedAt = Date.now();
const cpuAtStart = process.cpuUsage();
t0 = now();
const progress = setInterval(() => {
  process.send({ type: 'progress', ok, temp, perm, dropped, elapsedMs: Date.now() - startedAt });
}, 1000);

Promise.all(Array.from({ length: concurrency }, connection)).then(() => {
  clearInterval(progress);
  const cpu = process.cpuUsage(cpuAtStart);
  const sort = (a) => Float64Array.from(a).sort();
  process.send(
    {
      type: 'done',
      count,
      ok,
      temp,
      perm,
      dropped,
      startedAt,
      firstOk,
      lastOk,
      cpuUs: cpu.user + cpu.system,
      fullLat: Array.from(sort(fullLat)),
      dataLat: Array.from(sort(dataLat)),
      lateness: Array.from(sort(lateness)),
      // the mean of each step: in a closed loop, concurrency / the sum of these is the rate
      stepMeans: Object.fromEntries(
        [...Object.entries(commandLat), ['dot', dataLat]].map(([step, lat]) => [
          step,
          lat.length ? lat.reduce((a, b) => a + b, 0) / lat.length : null,
        ]),
      ),
      commandP99: Object.fromEntries(
        Object.entries(commandLat).map(([verb, lat]) => {
          const sorted = sort(lat);
          return [
            verb,
            sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? null,
          ];
        }),
      ),
    },
    () => process.exit(0),
  );
});
