// The cost of sender authentication (issue 21 point 5), in two parts:
// 1. CPU per email of the authenticate step, in this process, with desk's DNS client and a warm
//    cache (no lookup leaves the process during the measured pass): the bench's 2 KiB message
//    unsigned (SPF and DMARC) and DKIM-signed with an RSA-2048 key (one signature verified).
// 2. Accept and end-to-end rates of the same load with the group's policy `off` and `dmarc`,
//    alternately, each desk asking a DNS stub on loopback (DNS_SERVERS) that publishes SPF for
//    127.0.0.1 and DMARC p=reject for load.example: every email passes, so `dmarc` links as
//    many addresses as `off` does and the difference is the policy's own work.
// Env: BENCH_AUTH_COUNT (emails per e2e run, 3000), BENCH_AUTH_MICRO (messages, 2000).
'use strict';
const path = require('node:path');
const { generateKeyPairSync } = require('node:crypto');
const { startDnsStub } = require('./dns-stub');

const E2E_COUNT = Number(process.env.BENCH_AUTH_COUNT || 3000);
const MICRO_COUNT = Number(process.env.BENCH_AUTH_MICRO || 2000);

function loadRecords(dkimKey) {
  return {
    'load.example': { TXT: ['v=spf1 ip4:127.0.0.1 -all'] },
    '_dmarc.load.example': { TXT: ['v=DMARC1; p=reject'] },
    ...(dkimKey ? { 's1._domainkey.load.example': { TXT: [dkimKey] } } : {}),
  };
}

function message(i) {
  const head =
    `From: customer${i % 50}@load.example\r\nTo: support@desk.localhost\r\n` +
    `Cc: customer${(i + 7) % 50}@load.example\r\nSubject: bench auth #${i}\r\n` +
    `Message-ID: <auth.${i}@load.example>\r\nDate: ${new Date().toUTCString()}\r\n` +
    'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n';
  const body = Array.from({ length: 22 }, (_, l) => `line ${l} of ${i} `.padEnd(76, 'x')).join(
    '\r\n',
  );
  return `${head}${body}\r\n`;
}

/** µs of CPU (user + system) per authenticate call over `messages`, after one warming pass. */
async function cpuPerEmail(authenticateSender, resolveDns, messages, stub) {
  const envelope = { remoteAddress: '127.0.0.1', helo: 'load.example', mailFrom: '' };
  const deps = { resolveDns, authservId: 'desk.localhost' };
  const run = async () => {
    for (const [i, raw] of messages.entries()) {
      envelope.mailFrom = `customer${i % 50}@load.example`;
      const outcome = await authenticateSender(raw, envelope, deps);
      if (!outcome.results.dmarcPass)
        throw new Error(`bench mail did not pass: ${outcome.results.header}`);
    }
  };
  await run(); // fills the cache (and warms the JIT)
  const queriesBefore = stub.queries;
  const before = process.cpuUsage();
  const t = process.hrtime.bigint();
  await run();
  const used = process.cpuUsage(before);
  const wallMs = Number(process.hrtime.bigint() - t) / 1e6;
  return {
    cpuUsPerEmail: Math.round((used.user + used.system) / messages.length),
    emailsPerSOneCore: Math.round((messages.length * 1000) / wallMs),
    dnsQueriesWhileMeasured: stub.queries - queriesBefore,
  };
}

async function micro(root) {
  const { authenticateSender } = require(path.join(root, 'dist/src/domain/ingest/authenticate.js'));
  const { createDnsClient } = require(path.join(root, 'dist/src/dns/dns-client.js'));
  const { dkimSign } = require(path.join(root, 'node_modules/mailauth'));
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
  const dkimKey = `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;
  const stub = await startDnsStub(loadRecords(dkimKey));
  try {
    const resolveDns = createDnsClient([stub.server]);
    const plain = Array.from({ length: MICRO_COUNT }, (_, i) => Buffer.from(message(i)));
    const signed = [];
    for (const raw of plain) {
      const { signatures } = await dkimSign(raw, {
        signatureData: [{ signingDomain: 'load.example', selector: 's1', privateKey: pem }],
      });
      signed.push(Buffer.concat([Buffer.from(signatures), raw]));
    }
    return {
      messages: MICRO_COUNT,
      messageBytes: plain[0].length,
      unsigned: await cpuPerEmail(authenticateSender, resolveDns, plain, stub),
      dkimSigned: await cpuPerEmail(authenticateSender, resolveDns, signed, stub),
    };
  } finally {
    await stub.close();
  }
}

/** Part 2: `ctx` is run.js's desk helpers (freshDesk, closedLoad, drained, acceptRate, log). */
async function policyRuns(ctx, variant) {
  const stub = await startDnsStub(loadRecords(null));
  const runs = { off: [], dmarc: [] };
  try {
    for (const round of [1, 2])
      for (const policy of ['off', 'dmarc']) {
        const label = `auth-${policy}#${round}`;
        const d = await ctx.freshDesk(`auth_${policy}`, variant, 'split', {
          contacts: 50,
          env: { DNS_SERVERS: stub.server },
        });
        if (policy !== 'off')
          await d.db.query(
            'INSERT INTO group_crm_settings (group_id, sender_auth_policy) VALUES ($1, $2)',
            [d.seed.groupId, policy],
          );
        const r = await ctx.closedLoad(d, E2E_COUNT, label, 300);
        const done = await ctx.drained(d, r.ok, label);
        const end = await d.count(
          'SELECT extract(epoch FROM max(processed_at)) * 1000 AS n FROM outbox WHERE processed_at IS NOT NULL',
        );
        const outcomes = Object.fromEntries(
          (
            await d.db.query(
              "SELECT coalesce(link_outcome, 'pending') AS k, count(*)::int AS n FROM email_participants GROUP BY 1",
            )
          ).rows.map((x) => [x.k, x.n]),
        );
        const dmarcPassed = await d.count(
          "SELECT count(*) AS n FROM inbound_emails WHERE (auth_results->>'dmarcPass')::boolean",
        );
        const one = {
          round,
          emails: r.ok,
          done,
          acceptMsgPerS: ctx.acceptRate(r),
          emailsPerS: Math.round(r.ok / ((end - r.firstOk) / 1000)),
          dmarcPassed,
          linkOutcomes: outcomes,
        };
        await d.stop();
        ctx.log(
          `${label}: accept ${one.acceptMsgPerS} msg/s, ${one.emailsPerS} emails/s end to end; ${dmarcPassed}/${r.ok} passed DMARC; outcomes ${JSON.stringify(outcomes)}`,
        );
        runs[policy].push(one);
      }
  } finally {
    await stub.close();
  }
  return runs;
}

async function authRun(ctx, variant) {
  const run = { micro: await micro(variant.root) };
  const m = run.micro;
  ctx.log(
    `auth CPU per email, warm cache: unsigned ${m.unsigned.cpuUsPerEmail} µs, DKIM-signed ${m.dkimSigned.cpuUsPerEmail} µs (${m.messages} × ${m.messageBytes} B; ${m.unsigned.dnsQueriesWhileMeasured + m.dkimSigned.dnsQueriesWhileMeasured} DNS queries while measured)`,
  );
  run.e2e = await policyRuns(ctx, variant);
  return run;
}

module.exports = { authRun };
