import { createHash } from 'node:crypto';
import type { OutboxRow } from '../../src/repositories/outbox.repository';
import { MessageReceiver } from '../../src/smtp/receive-message';
import { chunksOf } from '../support/large-message';
import { ADDRESSING, seedGroup, seedProject } from '../support/seed';
import { createTestDb, type TestDb } from '../support/test-db';

let db: TestDb;

beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.drop();
});

function receiver(published: OutboxRow[] = []) {
  return new MessageReceiver({
    store: db.store,
    publish: (rows) => published.push(...rows),
    addressing: ADDRESSING,
    maxRecipients: 50,
  });
}

const envelope = (projectIds: number[]) => ({
  remoteAddress: '192.0.2.7',
  helo: 'mx.customer.example',
  mailFrom: 'big@customer.example',
  rcptTo: projectIds.map((id) => `support+p${id}@desk.localhost`),
  projectIds,
});

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
});
