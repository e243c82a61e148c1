import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { OutboxRow } from '../../src/repositories/outbox.repository';
import { parseEmail } from '../../src/domain/ingest/parse';
import { ingestEmail } from '../../src/domain/ingest/ingest-email.service';
import { chunksOf, largeMessage } from '../support/large-message';
import { seedGroup, seedProject } from '../support/seed';
import { ingestDeps, testReceiver } from '../support/inbound';
import { createTestDb, type TestDb } from '../support/test-db';

let db: TestDb;

beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.drop();
});

function receiver(published: OutboxRow[] = []) {
  return testReceiver(db.store, { publish: (rows) => published.push(...rows) });
}

const envelope = (projectIds: number[]) => ({
  remoteAddress: '192.0.2.7',
  helo: 'mx.customer.example',
  mailFrom: 'big@customer.example',
  rcptTo: projectIds.map((id) => `support+p${id}@desk.localhost`),
  projectIds,
});

const deps = () => ingestDeps(db.store);

/** A message with an attachment of this size, accepted in `chunk`-byte pieces by a new project. */
async function acceptLarge(path: string, attachmentBytes: number, chunk: number) {
  const group = await seedGroup(db.store, path);
  const { project } = await seedProject(db.store, group.id);
  const big = largeMessage(attachmentBytes, `${path}-1@customer.example`);
  const published: OutboxRow[] = [];
  const [id] = await receiver(published).accept({
    ...envelope([project.id]),
    chunks: chunksOf(big.raw, chunk),
    size: big.raw.length,
  });
  return { id: id!, outboxId: published[0]!.id, big };
}

describe('large messages, streamed through COPY instead of one buffer', () => {
  it('stores a chunked message byte-exact once per project, each copy with its outbox row', async () => {
    const group = await seedGroup(db.store, 'chunked');
    const a = await seedProject(db.store, group.id, 'a');
    const b = await seedProject(db.store, group.id, 'b');
    const raw = Buffer.concat([
      Buffer.from('Message-ID: <chunked-1@customer.example>\r\nSubject: bytes\r\n\r\n'),
      Buffer.from(Array.from({ length: 3 * 1024 * 1024 }, (_, i) => (i * 7 + (i >> 11)) & 0xff)),
    ]);
    const published: OutboxRow[] = [];

    const ids = await receiver(published).accept({
      ...envelope([a.project.id, b.project.id]),
      chunks: chunksOf(raw, 65_536),
      size: raw.length,
    });

    expect(ids).toHaveLength(2);
    expect(published.map((r) => r.payload)).toEqual(ids.map((id) => ({ inboundEmailId: id })));
    for (const [i, id] of ids.entries()) {
      const stored = await db.store.repos.inboundEmails.findById(id);
      expect(stored).toMatchObject({
        size: raw.length,
        sha256: createHash('sha256').update(raw).digest('hex'),
        messageId: '<chunked-1@customer.example>',
        projectId: [a.project.id, b.project.id][i],
        remoteAddress: '192.0.2.7',
        helo: 'mx.customer.example',
        mailFrom: 'big@customer.example',
        rcptTo: envelope([a.project.id, b.project.id]).rcptTo,
        status: 'received',
      });
      expect(stored!.raw.equals(raw)).toBe(true);
    }
    const outbox = await db.dataSource.query(
      "SELECT payload->>'inboundEmailId' AS id FROM outbox WHERE id = ANY($1::bigint[]) ORDER BY id",
      [published.map((r) => r.id)],
    );
    expect(outbox.map((r: { id: string }) => r.id)).toEqual(ids);
  });

  it('stores a null reverse path, a missing HELO and a message without Message-ID as NULLs', async () => {
    const group = await seedGroup(db.store, 'nulls');
    const { project } = await seedProject(db.store, group.id);
    const raw = Buffer.from(`Subject: no id\r\n\r\n${'z'.repeat(1_200_000)}\r\n`);

    const [id] = await receiver().accept({
      ...envelope([project.id]),
      mailFrom: null,
      helo: null,
      remoteAddress: null,
      chunks: chunksOf(raw, 65_536),
      size: raw.length,
    });

    const stored = await db.store.repos.inboundEmails.findById(id!);
    expect(stored).toMatchObject({
      mailFrom: null,
      helo: null,
      remoteAddress: null,
      messageId: null,
    });
    expect(stored!.raw.equals(raw)).toBe(true);
  });

  it('stores nothing at all when one of the rows cannot be written', async () => {
    const group = await seedGroup(db.store, 'atomic');
    const { project } = await seedProject(db.store, group.id);
    const raw = Buffer.alloc(2 * 1024 * 1024, 'x');
    const sha256 = createHash('sha256').update(raw).digest('hex');

    await expect(
      receiver().accept({
        ...envelope([project.id, 999_999]),
        chunks: chunksOf(raw, 65_536),
        size: raw.length,
      }),
    ).rejects.toThrow();

    const rows = await db.dataSource.query('SELECT id FROM inbound_emails WHERE sha256 = $1', [
      sha256,
    ]);
    expect(rows).toEqual([]);
  });

  it('ingests a large message read back as a stream: the attachment is stored byte-exact', async () => {
    const { id, outboxId, big } = await acceptLarge('streamed', 5 * 1024 * 1024, 16_384);

    const outcome = await ingestEmail(deps(), id, outboxId);

    expect(outcome.kind).toBe('ticket_created');
    const rows = await db.dataSource.query(
      `SELECT filename, size, sha256, encode(sha256(content), 'hex') AS actual, content
         FROM attachments WHERE inbound_email_id = $1`,
      [id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      filename: 'scan.bin',
      size: big.attachment.length,
      sha256: big.attachmentSha256,
      actual: big.attachmentSha256,
    });
    expect((rows[0].content as Buffer).equals(big.attachment)).toBe(true);
    const [item] = await db.dataSource.query('SELECT description FROM work_items WHERE id = $1', [
      'workItemId' in outcome ? outcome.workItemId : -1,
    ]);
    expect(item.description).toContain('Here is the scan.');
  });

  it('gives the connection back when a reader stops early or the parse deadline passes', async () => {
    const { id, big } = await acceptLarge('early', 6 * 1024 * 1024, 65_536);
    const repo = db.store.repos.inboundEmails;

    // more runs than the pool (4) has connections: a stuck COPY would hang the last ones
    for (let i = 0; i < 6; i++) {
      const raw = await repo.openRaw({ id, size: big.raw.length });
      expect(raw.bytes).toBeInstanceOf(Readable);
      await raw.close();
    }
    const slow = await repo.openRaw({ id, size: big.raw.length });
    const late = await parseEmail(slow.bytes, { timeoutMs: 1 }).finally(() => slow.close());
    expect(late).toEqual({
      kind: 'unparseable',
      reason: 'cannot parse message: parser did not finish within 1 ms',
    });
    const all = await repo.openRaw({ id, size: big.raw.length });
    const chunks: Buffer[] = [];
    for await (const chunk of all.bytes) chunks.push(chunk as Buffer);
    await all.close();
    const whole = Buffer.concat(chunks);
    expect(whole.equals(big.raw)).toBe(true);
  });
});
