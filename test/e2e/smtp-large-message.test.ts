import type { RunningDesk } from '../../bin/start-desk';
import type { Config } from '../../src/config/env';
import { largeMessage } from '../support/large-message';
import { ADDRESSING, seedGroup, seedProject } from '../support/seed';
import { sendMail } from '../support/smtp-client';
import { clearQueuePrefix, startTestDesk, testConfig, waitFor } from '../support/test-desk';
import { createTestDb, type TestDb } from '../support/test-db';

let db: TestDb;
let config: Config;
let desk: RunningDesk;

beforeAll(async () => {
  db = await createTestDb();
  config = testConfig(db.url, {
    SERVICE_DESK_DOMAIN: ADDRESSING.domain,
    SERVICE_DESK_LOCAL_PART: ADDRESSING.localPart,
  });
  desk = await startTestDesk(config);
});

afterAll(async () => {
  await desk?.close();
  await clearQueuePrefix(config.QUEUE_PREFIX);
  await db?.drop();
});

describe('a large message over SMTP (the streaming path)', () => {
  it('is acknowledged after it is stored byte-exact, and its ticket keeps the attachment intact', async () => {
    const group = await seedGroup(db.store, 'large');
    const { address } = await seedProject(db.store, group.id);
    const big = largeMessage(4 * 1024 * 1024, 'large-smtp-1@customer.example');

    const replies = await sendMail(
      desk.smtpPort!,
      { from: 'big@customer.example', to: [address] },
      big.raw,
    );

    expect(replies.data?.code).toBe(250);
    const id = /queued as (\d+)/.exec(replies.data!.text)![1]!;
    const stored = await db.store.repos.inboundEmails.findById(id);
    expect(stored!.raw.equals(big.raw)).toBe(true);
    expect(stored!.messageId).toBe('<large-smtp-1@customer.example>');
    const done = await waitFor('the ticket', async () => {
      const email = await db.store.repos.inboundEmails.findEnvelope(id);
      return email?.status === 'ticket_created' ? email : null;
    });
    const [attachment] = await db.dataSource.query(
      `SELECT size, sha256, encode(sha256(content), 'hex') AS actual FROM attachments
        WHERE work_item_id = $1`,
      [done.workItemId],
    );
    expect(attachment).toEqual({
      size: big.attachment.length,
      sha256: big.attachmentSha256,
      actual: big.attachmentSha256,
    });
  });
});
