import { testReceiver } from '../support/inbound';
import { seedGroup, seedProject } from '../support/seed';
import { createTestDb, type TestDb } from '../support/test-db';

let db: TestDb;
let projectA: number;
let projectB: number;

beforeAll(async () => {
  db = await createTestDb();
  const group = await seedGroup(db.store, 'batched');
  projectA = (await seedProject(db.store, group.id)).project.id;
  projectB = (await seedProject(db.store, group.id, 'billing')).project.id;
});

afterAll(async () => {
  await db?.drop();
});

const message = (n: number, projectIds: number[]) => ({
  remoteAddress: '127.0.0.1',
  helo: 'test',
  mailFrom: `c${n}@customer.example`,
  rcptTo: ['support+x@desk.localhost'],
  raw: Buffer.from(`Message-ID: <m${n}@customer.example>\r\nSubject: ${n}\r\n\r\nbody ${n}\xff`),
  projectIds,
});

describe('group commit of accepted mail (real PostgreSQL)', () => {
  it('stores a batch in one statement and gives each message its own rows and outbox jobs', async () => {
    const messages = [
      message(1, [projectA]),
      message(2, [projectA, projectB]),
      message(3, [projectB]),
    ];
    const result = await db.store.repos.inboundEmails.acceptMany(
      messages.map((m) => ({
        ...m,
        sha256: 'f'.repeat(64),
        messageId: `<m${m.mailFrom}>`,
      })),
    );
    expect(result.map((rows) => rows.length)).toEqual([1, 2, 1]);
    for (const [i, rows] of result.entries()) {
      for (const row of rows) {
        const [stored] = await db.dataSource.query(
          `SELECT i.raw, i.mail_from, i.project_id, o.payload->>'inboundEmailId' AS job_target
             FROM inbound_emails i, outbox o WHERE i.id = $1 AND o.id = $2`,
          [row.inboundEmailId, row.outboxId],
        );
        expect(Buffer.compare(stored.raw, messages[i]!.raw)).toBe(0);
        expect(stored.mail_from).toBe(messages[i]!.mailFrom);
        expect(stored.job_target).toBe(row.inboundEmailId);
        expect(row.payload).toEqual({ inboundEmailId: row.inboundEmailId });
      }
      const projects = await db.dataSource.query(
        'SELECT project_id FROM inbound_emails WHERE id = ANY($1) ORDER BY project_id',
        [rows.map((r) => r.inboundEmailId)],
      );
      expect(projects.map((p: { project_id: number }) => p.project_id)).toEqual(
        [...messages[i]!.projectIds].sort((a, b) => a - b),
      );
    }
  });

  it('a message PostgreSQL refuses inside a batch is refused alone; its batch-mates are stored', async () => {
    const receiver = testReceiver(db.store, {
      batch: { maxMessages: 64, maxBytes: 1 << 20, maxInFlight: 1 },
    });
    const before = await db.dataSource.query('SELECT count(*)::int AS n FROM inbound_emails');
    const outcomes = await Promise.all(
      [message(10, [projectA]), message(11, [999_999]), message(12, [projectB])].map((m) =>
        receiver.accept(m).then(
          (ids) => `stored ${ids.length}`,
          (e: Error) => `refused ${e.constructor.name}`,
        ),
      ),
    );
    expect(outcomes).toEqual(['stored 1', 'refused DatabaseError', 'stored 1']);
    const after = await db.dataSource.query('SELECT count(*)::int AS n FROM inbound_emails');
    expect(after[0].n - before[0].n).toBe(2);
  });

  it('compresses stored raw messages with lz4 (PostgreSQL 14+), and gives their bytes back unchanged', async () => {
    const receiver = testReceiver(db.store);
    const raw = Buffer.from(
      `Message-ID: <lz4@customer.example>\r\n\r\n${'Thanks for the quick answer. '.repeat(200)}`,
    );
    const [id] = await receiver.accept({ ...message(20, [projectA]), raw });
    const [row] = await db.dataSource.query(
      'SELECT pg_column_compression(raw) AS method, raw FROM inbound_emails WHERE id = $1',
      [id],
    );
    const [{ v }] = await db.dataSource.query(
      "SELECT current_setting('server_version_num')::int AS v",
    );
    expect(row.method).toBe(v >= 140000 ? 'lz4' : 'pglz');
    expect(Buffer.compare(row.raw, raw)).toBe(0);
  });
});
