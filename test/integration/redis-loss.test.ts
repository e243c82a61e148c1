import type { RunningDesk } from '../../bin/start-desk';
import type { Config } from '../../src/config/env';
import { seedContact, seedGroup, seedProject } from '../support/seed';
import { redisClient } from '../support/services';
import { sendMail } from '../support/smtp-client';
import { clearQueuePrefix, startTestDesk, testConfig, waitFor } from '../support/test-desk';
import { createTestDb, type TestDb } from '../support/test-db';

let db: TestDb;
let config: Config;
const running: RunningDesk[] = [];

beforeAll(async () => {
  db = await createTestDb();
  config = testConfig(db.url);
});

afterAll(async () => {
  for (const desk of running) await desk.close();
  await clearQueuePrefix(config.QUEUE_PREFIX);
  await db?.drop();
});

describe('Redis losing its data between accept and processing', () => {
  it('still ends with the ticket, linked, because the outbox republishes the work', async () => {
    const group = await seedGroup(db.store, 'acme');
    const { address } = await seedProject(db.store, group.id);
    const contact = await seedContact(db.store, group.id, 'vip@customer.example');

    // an SMTP-only desk accepts and publishes, but nothing processes yet
    const smtp = await startTestDesk({ ...config, DESK_ROLES: ['smtp'] });
    running.push(smtp);
    const replies = await sendMail(
      smtp.smtpPort!,
      { from: 'vip@customer.example', to: [address] },
      'From: vip@customer.example\r\nSubject: lost in Redis?\r\n\r\nplease keep me',
    );
    expect(replies.data?.code).toBe(250);
    const published = await waitFor('the ingest job to reach Redis', async () => {
      const rows: { published_at: Date | null }[] = await db.dataSource.query(
        'SELECT published_at FROM outbox',
      );
      return rows.length === 1 && rows[0]?.published_at ? rows : null;
    });
    expect(published).toHaveLength(1);

    const redis = redisClient();
    expect(await redis.keys(`${config.QUEUE_PREFIX}:ingest-email:*`)).not.toHaveLength(0);
    // desk's keys only: the Redis on this machine is shared with other runs
    await clearQueuePrefix(config.QUEUE_PREFIX);
    expect(await redis.keys(`${config.QUEUE_PREFIX}:*`)).toHaveLength(0);
    redis.disconnect();

    const workers = await startTestDesk({ ...config, DESK_ROLES: ['worker'] });
    running.push(workers);
    const workItemId = await waitFor('the ticket after the Redis flush', async () => {
      const rows: { work_item_id: number | null; status: string }[] = await db.dataSource.query(
        'SELECT work_item_id, status FROM inbound_emails',
      );
      return rows[0]?.status === 'ticket_created' ? rows[0].work_item_id : null;
    });
    await waitFor('the contact link', async () => {
      const ids = await db.store.repos.workItems.listContactIds(workItemId!);
      return ids.length > 0 ? ids : null;
    });
    expect(await db.store.repos.workItems.listContactIds(workItemId!)).toEqual([contact.id]);
    const tickets = await db.dataSource.query('SELECT count(*)::int AS n FROM work_items');
    expect(tickets[0].n).toBe(1);
  });
});
