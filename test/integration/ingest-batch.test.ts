import type { Job } from 'bullmq';
import type { AppContext } from '../../src/app/context';
import { DatabaseUnavailableError, UnprocessableError } from '../../src/errors';
import { createRootLogger } from '../../src/logger';
import { Store, type Repositories } from '../../src/repositories/store';
import { ingestEmailWorker } from '../../workers/ingest-email.worker';
import { storeOne } from '../support/inbound';
import { ADDRESSING, seedGroup, seedProject } from '../support/seed';
import { testConfig } from '../support/test-desk';
import { createTestDb, type TestDb } from '../support/test-db';

/**
 * A Store that throws when a chosen email's raw bytes are read (`failures`), or when a chosen
 * email is written in a transaction (`writeFailures`), as long as the map holds it.
 */
class FailingReads extends Store {
  readonly failures = new Map<string, () => Error>();
  readonly writeFailures = new Map<string, () => Error>();
  beforeWrite: (() => Promise<void>) | null = null;

  override async transaction<T>(fn: (repos: Repositories) => Promise<T>): Promise<T> {
    return super.transaction((repos) => {
      const ingest = Object.create(repos.ingest) as typeof repos.ingest;
      ingest.write = async (writes) => {
        const hook = this.beforeWrite;
        this.beforeWrite = null;
        await hook?.();
        for (const w of writes) {
          const fail = this.writeFailures.get(w.inboundEmailId);
          if (fail) throw fail();
        }
        return repos.ingest.write(writes);
      };
      return fn({ ...repos, ingest });
    });
  }

  override async run<T>(fn: (repos: Repositories) => Promise<T>): Promise<T> {
    return super.run((repos) => {
      const inboundEmails = Object.create(repos.inboundEmails) as typeof repos.inboundEmails;
      inboundEmails.withRaw = async (email, use) => {
        const fail = this.failures.get(email.id);
        if (fail) throw fail();
        return repos.inboundEmails.withRaw(email, use);
      };
      return fn({ ...repos, inboundEmails });
    });
  }
}

let db: TestDb;
let store: FailingReads;
let worker: ReturnType<typeof ingestEmailWorker>;
let projectId: number;

beforeAll(async () => {
  db = await createTestDb();
  store = new FailingReads(db.dataSource);
  const ctx = {
    store,
    addressing: ADDRESSING,
    config: testConfig(db.url),
    logger: createRootLogger('silent'),
  } as unknown as AppContext;
  worker = ingestEmailWorker(ctx);
  const group = await seedGroup(db.store, 'batch');
  projectId = (await seedProject(db.store, group.id)).project.id;
});
afterAll(async () => {
  await db?.drop();
});

async function stored(lines: string[]) {
  const row = await storeOne(db.store, projectId, Buffer.from(lines.join('\r\n')));
  return { inboundEmailId: row.inboundEmailId, outboxId: row.outboxId };
}

const ATTEMPTS = 4;
const jobOf = (emails: { inboundEmailId: string; outboxId: string }[], attemptsMade = 0) =>
  ({ id: 'test', data: { emails }, attemptsMade, opts: { attempts: ATTEMPTS } }) as unknown as Job;

async function statusOf(ids: string[]) {
  const rows: { id: string; status: string; reason: string | null }[] = await db.dataSource.query(
    'SELECT id::text, status, reason FROM inbound_emails WHERE id = ANY($1) ORDER BY id',
    [ids],
  );
  return rows.map((r) => [r.status, r.reason]);
}

const openOutbox = async (ids: string[]) =>
  Number(
    (
      await db.dataSource.query(
        'SELECT count(*) AS n FROM outbox WHERE id = ANY($1) AND processed_at IS NULL',
        [ids],
      )
    )[0].n,
  );

describe('an ingest job of several emails', () => {
  it('runs them in order, so a reply in the same job lands on the ticket just made', async () => {
    const first = await stored([
      'From: ann@customer.example',
      'Message-ID: <batch-1@customer.example>',
      'Subject: printer',
      '',
      'it jams',
    ]);
    const reply = await stored([
      'From: ann@customer.example',
      'Message-ID: <batch-2@customer.example>',
      'In-Reply-To: <batch-1@customer.example>',
      'Subject: Re: printer',
      '',
      'still jams',
    ]);
    const results = (await worker.process(jobOf([first, reply]))) as { kind: string }[];
    expect(results.map((r) => r.kind)).toEqual(['ticket_created', 'note_added']);
    expect(await openOutbox([first.outboxId, reply.outboxId])).toBe(0);
  });

  it('records an email that cannot be ingested at once and goes on with the others', async () => {
    const bad = await stored(['From: a@x.example', 'Subject: one', '', 'x']);
    const good = await stored(['From: b@x.example', 'Subject: two', '', 'y']);
    store.failures.set(bad.inboundEmailId, () => new UnprocessableError('refused by a rule'));
    try {
      const results = (await worker.process(jobOf([bad, good]))) as { kind: string }[];
      expect(results.map((r) => r.kind)).toEqual(['failed', 'ticket_created']);
    } finally {
      store.failures.clear();
    }
    expect(await statusOf([bad.inboundEmailId, good.inboundEmailId])).toEqual([
      ['failed', 'refused by a rule (after 1 attempts)'],
      ['ticket_created', null],
    ]);
    expect(await openOutbox([bad.outboxId, good.outboxId])).toBe(0);
  });

  it('retries the job for an email that may succeed later, skipping the ones done', async () => {
    const done = await stored(['From: c@x.example', 'Subject: three', '', 'z']);
    const later = await stored(['From: d@x.example', 'Subject: four', '', 'w']);
    store.failures.set(later.inboundEmailId, () => new DatabaseUnavailableError());
    await expect(worker.process(jobOf([done, later]))).rejects.toBeInstanceOf(
      DatabaseUnavailableError,
    );
    expect(await statusOf([done.inboundEmailId, later.inboundEmailId])).toEqual([
      ['ticket_created', null],
      ['received', null],
    ]);
    store.failures.clear();
    const retried = (await worker.process(jobOf([done, later], 1))) as { kind: string }[];
    expect(retried.map((r) => r.kind)).toEqual(['skipped', 'ticket_created']);
    expect(await openOutbox([done.outboxId, later.outboxId])).toBe(0);
  });

  it('on its last attempt records what keeps failing and leaves an outage to the sweeper', async () => {
    const done = await stored(['From: e@x.example', 'Subject: five', '', 'v']);
    const broken = await stored(['From: f@x.example', 'Subject: six', '', 'u']);
    const waiting = await stored(['From: h@x.example', 'Subject: eight', '', 's']);
    store.failures.set(broken.inboundEmailId, () => new Error('bug: boom'));
    store.failures.set(waiting.inboundEmailId, () => new DatabaseUnavailableError());
    try {
      // earlier attempts retry all of it
      await expect(worker.process(jobOf([done, broken, waiting]))).rejects.toThrow('bug: boom');
      expect(await statusOf([broken.inboundEmailId, waiting.inboundEmailId])).toEqual([
        ['received', null],
        ['received', null],
      ]);
      await expect(
        worker.process(jobOf([done, broken, waiting], ATTEMPTS - 1)),
      ).rejects.toBeInstanceOf(DatabaseUnavailableError);
    } finally {
      store.failures.clear();
    }
    expect(
      await statusOf([done.inboundEmailId, broken.inboundEmailId, waiting.inboundEmailId]),
    ).toEqual([
      ['ticket_created', null],
      ['failed', `bug: boom (after ${ATTEMPTS} attempts)`],
      ['received', null],
    ]);
    expect(await openOutbox([done.outboxId, broken.outboxId])).toBe(0);
    expect(await openOutbox([waiting.outboxId])).toBe(1);
  });

  it('when the job is given up, marks failed only the emails still waiting', async () => {
    const done = await stored(['From: i@x.example', 'Subject: nine', '', 'r']);
    const stuck = await stored(['From: j@x.example', 'Subject: ten', '', 'q']);
    await worker.process(jobOf([done]));
    await worker.giveUp(jobOf([done, stuck], ATTEMPTS), 'invalid job (after 4 attempts)');
    expect(await statusOf([done.inboundEmailId, stuck.inboundEmailId])).toEqual([
      ['ticket_created', null],
      ['failed', 'invalid job (after 4 attempts)'],
    ]);
    expect(await openOutbox([done.outboxId, stuck.outboxId])).toBe(0);
  });

  it('still takes a job queued by an earlier desk, one email without a list', async () => {
    const single = await stored(['From: g@x.example', 'Subject: seven', '', 't']);
    const job = { id: 'old', data: single, attemptsMade: 0, opts: {} } as unknown as Job;
    expect(((await worker.process(job)) as { kind: string }[])[0]?.kind).toBe('ticket_created');
  });
});

/** Each email's status, the transaction that wrote it, and its ticket's iid. */
async function writtenBy(ids: string[]) {
  const rows: { status: string; xmin: string; iid: number | null }[] = await db.dataSource.query(
    `SELECT e.status, e.xmin::text AS xmin, w.iid
       FROM inbound_emails e LEFT JOIN work_items w ON w.id = e.work_item_id AND e.note_id IS NULL
      WHERE e.id = ANY($1) ORDER BY e.id`,
    [ids],
  );
  return rows;
}

const ids = (emails: { inboundEmailId: string }[]) => emails.map((e) => e.inboundEmailId);

const lastIid = async () =>
  Number(
    (
      await db.dataSource.query('SELECT max(iid) AS n FROM work_items WHERE project_id = $1', [
        projectId,
      ])
    )[0].n,
  );

describe('the emails of a job that are still to be written', () => {
  it('are written in one transaction, a reply and a copy in it included', async () => {
    const first = await stored(['From: k@x.example', 'Message-ID: <tx-1@x.example>', '', 'a']);
    const second = await stored(['From: l@x.example', 'Message-ID: <tx-2@x.example>', '', 'b']);
    const reply = await stored([
      'From: k@x.example',
      'Message-ID: <tx-3@x.example>',
      'In-Reply-To: <tx-1@x.example>',
      '',
      'c',
    ]);
    const copy = await stored(['From: k@x.example', 'Message-ID: <tx-1@x.example>', '', 'a']);
    const emails = [first, second, reply, copy];
    const results = (await worker.process(jobOf(emails))) as { kind: string }[];
    expect(results.map((r) => r.kind)).toEqual([
      'ticket_created',
      'ticket_created',
      'note_added',
      'duplicate',
    ]);
    const rows = await writtenBy(ids(emails));
    expect(new Set(rows.map((r) => r.xmin)).size).toBe(1);
    expect(rows[1]!.iid).toBe(rows[0]!.iid! + 1);
    expect(await openOutbox(emails.map((e) => e.outboxId))).toBe(0);
  });

  it('commit before one that must wait for its parent; it waits and the rest go one by one', async () => {
    const parent = await stored(['From: m@x.example', 'Message-ID: <wait-p@x.example>', '', 'p']);
    const before = await stored(['From: n@x.example', 'Subject: before', '', 'b']);
    const reply = await stored([
      'From: m@x.example',
      'Message-ID: <wait-r@x.example>',
      'In-Reply-To: <wait-p@x.example>',
      '',
      'r',
    ]);
    const after = await stored(['From: o@x.example', 'Subject: after', '', 'a']);
    const job = [before, reply, after];
    const iid = await lastIid();
    await expect(worker.process(jobOf(job))).rejects.toThrow('not processed yet');
    const rows = await writtenBy(ids(job));
    expect(rows.map((r) => r.status)).toEqual(['ticket_created', 'received', 'ticket_created']);
    // no iid was drawn for the reply, or rolled back: the two tickets are the next two
    expect([rows[0]!.iid, rows[2]!.iid]).toEqual([iid + 1, iid + 2]);
    expect(rows[2]!.xmin).not.toBe(rows[0]!.xmin);

    await worker.process(jobOf([parent]));
    const retried = (await worker.process(jobOf(job, 1))) as { kind: string }[];
    expect(retried.map((r) => r.kind)).toEqual(['skipped', 'note_added', 'skipped']);
  });

  it('do not wait for a work item held elsewhere while holding the others', async () => {
    const root = await stored(['From: q@x.example', 'Message-ID: <held-1@x.example>', '', 'q']);
    await worker.process(jobOf([root]));
    const [{ work_item_id: workItemId }] = await db.dataSource.query(
      'SELECT work_item_id FROM inbound_emails WHERE id = $1',
      [root.inboundEmailId],
    );
    const fresh = await stored(['From: s@x.example', 'Subject: fresh', '', 'f']);
    const reply = await stored([
      'From: q@x.example',
      'Message-ID: <held-2@x.example>',
      'In-Reply-To: <held-1@x.example>',
      '',
      'r',
    ]);
    const holder = db.dataSource.createQueryRunner();
    await holder.startTransaction();
    await holder.query('SELECT id FROM work_items WHERE id = $1 FOR UPDATE', [workItemId]);
    const iid = await lastIid();
    let released = false;
    const release = setTimeout(() => {
      released = true;
      void holder.commitTransaction().then(() => holder.release());
    }, 300);
    try {
      const results = (await worker.process(jobOf([fresh, reply]))) as { kind: string }[];
      expect(results.map((r) => r.kind)).toEqual(['ticket_created', 'note_added']);
      expect(released).toBe(true);
    } finally {
      clearTimeout(release);
      if (!released) await holder.rollbackTransaction().then(() => holder.release());
    }
    const rows = await writtenBy(ids([fresh, reply]));
    expect(rows[1]!.xmin).not.toBe(rows[0]!.xmin);
    expect(rows[0]!.iid).toBe(iid + 1);
  });

  it('are written together but for a ticket whose contact source changed, which goes alone', async () => {
    const elsewhere = await seedGroup(db.store, 'batch-stale');
    const other = (await seedProject(db.store, elsewhere.id)).project.id;
    const source = await seedGroup(db.store, 'batch-stale-source');
    const a = await stored(['From: w@x.example', 'Subject: a', '', 'a']);
    const b = await storeOne(db.store, other, Buffer.from('From: y@x.example\r\n\r\nb'));
    const c = await stored(['From: z@x.example', 'Subject: c', '', 'c']);
    const emails = [a, { inboundEmailId: b.inboundEmailId, outboxId: b.outboxId }, c];
    // after the three were decided, before their write: the other project's source changes
    store.beforeWrite = () => db.store.repos.groups.setCrmSettings(elsewhere.id, true, source.id);
    const results = (await worker.process(jobOf(emails))) as { kind: string }[];
    expect(results.map((r) => r.kind)).toEqual([
      'ticket_created',
      'ticket_created',
      'ticket_created',
    ]);
    const rows = await writtenBy(ids(emails));
    expect(rows[2]!.xmin).toBe(rows[0]!.xmin);
    expect(rows[1]!.xmin).not.toBe(rows[0]!.xmin);
    // the stale attempt drew no iid in the other project
    expect(rows[1]!.iid).toBe(1);
  });

  it('add two notes to one ticket from two conversations in one job', async () => {
    const root = await stored(['From: r@x.example', 'Message-ID: <two-1@x.example>', '', 'r']);
    await worker.process(jobOf([root]));
    const [{ reply_key: replyKey, service_desk_key: key }] = await db.dataSource.query(
      `SELECT w.reply_key, p.service_desk_key FROM work_items w
         JOIN inbound_emails e ON e.work_item_id = w.id JOIN projects p ON p.id = w.project_id
        WHERE e.id = $1`,
      [root.inboundEmailId],
    );
    const to = `support+${key}-${replyKey}@desk.localhost`;
    const reply = async (from: string, id: string) => {
      const raw = Buffer.from(`From: ${from}\r\nMessage-ID: <${id}@x.example>\r\n\r\nhi`);
      const row = await storeOne(db.store, projectId, raw, { rcptTo: [to] });
      return { inboundEmailId: row.inboundEmailId, outboxId: row.outboxId };
    };
    const first = await reply('s@x.example', 'two-2');
    const second = await reply('s@x.example', 'two-3');
    const results = (await worker.process(jobOf([first, second]))) as { kind: string }[];
    expect(results.map((r) => r.kind)).toEqual(['note_added', 'note_added']);
    const participants: { email: string }[] = await db.dataSource.query(
      `SELECT p.email FROM email_participants p JOIN inbound_emails e ON e.work_item_id = p.work_item_id
        WHERE e.id = $1 ORDER BY p.id`,
      [root.inboundEmailId],
    );
    expect(participants.map((p) => p.email)).toEqual(['r@x.example', 's@x.example']);
  });

  it('take an email that appears twice in the job once', async () => {
    const twice = await stored(['From: tw@x.example', 'Subject: twice', '', 't']);
    const other = await stored(['From: tx@x.example', 'Subject: other', '', 'o']);
    const results = (await worker.process(jobOf([twice, other, twice]))) as { kind: string }[];
    expect(results.map((r) => r.kind)).toEqual(['ticket_created', 'ticket_created', 'skipped']);
    const [{ n }] = await db.dataSource.query(
      'SELECT count(*)::int AS n FROM inbound_emails WHERE id = $1 AND work_item_id IS NOT NULL',
      [twice.inboundEmailId],
    );
    expect(n).toBe(1);
    const [{ tickets }] = await db.dataSource.query(
      `SELECT count(*)::int AS tickets FROM work_items WHERE project_id = $1 AND title = 'twice'`,
      [projectId],
    );
    expect(tickets).toBe(1);
  });

  it('are written one by one when their transaction fails, so one broken email holds none back', async () => {
    const a = await stored(['From: t@x.example', 'Subject: a', '', 'a']);
    const broken = await stored(['From: u@x.example', 'Subject: broken', '', 'b']);
    const c = await stored(['From: v@x.example', 'Subject: c', '', 'c']);
    store.writeFailures.set(broken.inboundEmailId, () => new Error('bug: cannot write'));
    try {
      await expect(worker.process(jobOf([a, broken, c]))).rejects.toThrow('bug: cannot write');
    } finally {
      store.writeFailures.clear();
    }
    const rows = await writtenBy(ids([a, broken, c]));
    expect(rows.map((r) => r.status)).toEqual(['ticket_created', 'received', 'ticket_created']);
    expect(rows[2]!.xmin).not.toBe(rows[0]!.xmin);
  });
});
