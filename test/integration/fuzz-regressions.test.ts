import { ingestEmail } from '../../src/domain/ingest/ingest-email.service';
import { seedGroup, seedProject } from '../support/seed';
import { createTestDb, type TestDb } from '../support/test-db';
import { storeOne, ingestDeps, testReceiver } from '../support/inbound';

// Crashes the ingest fuzzer (test/integration/ingest-fuzz.test.ts) found, one test per bug.

let db: TestDb;
let projectId: number;

beforeAll(async () => {
  db = await createTestDb();
  const group = await seedGroup(db.store, 'fuzzed');
  projectId = (await seedProject(db.store, group.id)).project.id;
});

afterAll(async () => {
  await db?.drop();
});

const deps = () => ingestDeps(db.store, { parseTimeoutMs: 500 });

async function ingest(text: string) {
  const raw = Buffer.from(text, 'latin1');
  const row = await storeOne(db.store, projectId, raw, { mailFrom: 'c@customer.example' });
  const outcome = await ingestEmail(deps(), row!.inboundEmailId, row!.outboxId);
  const [stored] = await db.dataSource.query(
    'SELECT status, reason, message_id FROM inbound_emails WHERE id = $1',
    [row!.inboundEmailId],
  );
  return { outcome, stored };
}

describe('regressions found by the ingest fuzzer', () => {
  it('accepts a message whose Message-ID holds a NUL byte (PostgreSQL refused the row: 451 on every retry)', async () => {
    const receiver = testReceiver(db.store);
    const raw = Buffer.from('Message-ID: <a\u0000b@x.example>\r\nSubject: nul\r\n\r\nbody');
    const ids = await receiver.accept({
      raw,
      remoteAddress: '127.0.0.1',
      helo: 'test',
      mailFrom: 'c@customer.example',
      rcptTo: ['support+x@desk.localhost'],
      projectIds: [projectId],
    });
    expect(ids).toHaveLength(1);
    const [row] = await db.dataSource.query(
      'SELECT message_id FROM inbound_emails WHERE id = $1',
      ids,
    );
    expect(row.message_id).toBeNull();
  });

  it('ingests a message whose In-Reply-To and References hold NUL bytes (the thread lock query failed the job)', async () => {
    const { outcome, stored } = await ingest(
      'From: c@customer.example\r\nIn-Reply-To: <p\u0000q@x.example>\r\n' +
        'References: <r@x.example> <s\u0000t@x.example>\r\nSubject: reply with nul\r\n\r\nbody',
    );
    expect(outcome.kind).toBe('ticket_created');
    expect(stored.status).toBe('ticket_created');
  });

  it('records an ignore reason quoting a header with a NUL byte (storing the reason failed the job)', async () => {
    const { outcome, stored } = await ingest(
      'From: c@customer.example\r\nAuto-Submitted: auto\u0000replied\r\nSubject: ooo\r\n\r\nbody',
    );
    expect(outcome.kind).toBe('ignored');
    expect(stored).toMatchObject({
      status: 'ignored',
      reason: 'auto-reply: Auto-Submitted: autoreplied',
    });
  });

  it('clips a reason quoting a 300 KB header to 2000 characters', async () => {
    const { stored } = await ingest(
      `From: c@customer.example\r\nAuto-Submitted: ${'a'.repeat(300_000)}\r\nSubject: x\r\n\r\nbody`,
    );
    expect(stored.status).toBe('ignored');
    expect(stored.reason).toHaveLength(2000);
  });

  it('marks failed a multipart ending inside an inline part header (mailparser never settled: the job hung forever)', async () => {
    const { outcome, stored } = await ingest(
      'From: c@customer.example\nSubject: hang\nContent-Type: multipart/mixed; boundary=b\n\n' +
        '--b\nContent-Disposition: inline; filename="message.eml"\n',
    );
    expect(outcome.kind).toBe('failed');
    expect(stored).toMatchObject({
      status: 'failed',
      reason: 'cannot parse message: parser did not finish within 500 ms',
    });
  });
});
