import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpusIndex, readCorpusMessage } from '../support/corpus';
import { fuzzSeed, mutateMessage, Rng } from '../support/fuzz-mutator';
import { seedContact, seedGroup, seedProject } from '../support/seed';
import { createTestDb, type TestDb } from '../support/test-db';
import { storeOne, ingestDeps, ingestAndLink } from '../support/inbound';

// `npm test` runs a seeded slice; `npm run test:fuzz` runs FUZZ_COUNT=10000
const COUNT = Number(process.env.FUZZ_COUNT ?? 300);
const CONCURRENCY = 2;
const SEED = fuzzSeed();
const TERMINAL = new Set(['ticket_created', 'note_added', 'ignored', 'duplicate', 'failed']);
const FAILURES_DIR = join(__dirname, '..', '..', 'test-results', 'fuzz');

let db: TestDb;
let projectId: number;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  db = await createTestDb();
  const group = await seedGroup(db.store, 'fuzz');
  projectId = (await seedProject(db.store, group.id)).project.id;
  // contacts the mutated addresses can hit, so linking does real work
  for (const email of ['user1@flood.example', 'user7@flood.example', 'a@b.example'])
    await seedContact(db.store, group.id, email);
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await db?.drop();
});

const deps = () => ingestDeps(db.store, { parseTimeoutMs: 10_000 });

/** Message `index` of a run depends only on the seed and the index, whatever the concurrency. */
const rngFor = (index: number) => new Rng((SEED + Math.imul(index + 1, 0x9e3779b9)) >>> 0);

async function storeRaw(raw: Buffer, mailFrom: string | null) {
  const row = await storeOne(db.store, projectId, raw, {
    rcptTo: ['support+fuzz@desk.localhost'],
    mailFrom: mailFrom,
  });
  return row!;
}

interface Failure {
  index: number;
  mutations: string[];
  error: string;
}

describe(`ingest fuzz (FUZZ_SEED=${SEED}, FUZZ_COUNT=${COUNT})`, () => {
  it(
    'brings every mutated corpus message to a terminal status without a crash or an unhandled rejection',
    async () => {
      const corpus = corpusIndex().map((e) => readCorpusMessage(e.path));
      const outcomes = new Map<string, number>();
      const failures: Failure[] = [];
      let slowest = { ms: 0, index: -1 };
      const started = Date.now();
      const rssBefore = process.memoryUsage().rss;
      let rssPeak = rssBefore;

      const one = async (index: number) => {
        const rng = rngFor(index);
        const base = rng.pick(corpus);
        const { raw, mutations } = mutateMessage(base, rng, `fuzz-${SEED}-${index}`);
        const mailFrom = rng.chance(0.05) ? null : rng.pick(['c@customer.example', 'a@b.example']);
        const t0 = Date.now();
        try {
          const row = await storeRaw(raw, mailFrom);
          const outcome = await ingestAndLink(deps(), row.inboundEmailId, row.outboxId);
          const [stored] = await db.dataSource.query(
            'SELECT status, reason FROM inbound_emails WHERE id = $1',
            [row.inboundEmailId],
          );
          if (!TERMINAL.has(stored.status))
            throw new Error(`status ${stored.status} after outcome ${outcome.kind}`);
          if (stored.status !== outcome.kind)
            throw new Error(`row says ${stored.status}, outcome says ${outcome.kind}`);
          if (outcome.kind === 'ticket_created' || outcome.kind === 'note_added') {
            const [open] = await db.dataSource.query(
              'SELECT count(*)::int AS n FROM email_participants WHERE work_item_id = $1 AND link_outcome IS NULL',
              [outcome.workItemId],
            );
            if (open.n > 0) throw new Error(`${open.n} participants left without a link outcome`);
          }
          if (['failed', 'ignored', 'duplicate'].includes(stored.status) && !stored.reason)
            throw new Error(`${stored.status} without a reason`);
          outcomes.set(stored.status, (outcomes.get(stored.status) ?? 0) + 1);
        } catch (err) {
          mkdirSync(FAILURES_DIR, { recursive: true });
          writeFileSync(join(FAILURES_DIR, `${SEED}-${index}.eml`), raw);
          failures.push({ index, mutations, error: (err as Error).stack ?? String(err) });
        }
        const ms = Date.now() - t0;
        if (ms > slowest.ms) slowest = { ms, index };
        rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      };

      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let index = next++; index < COUNT && failures.length < 10; index = next++)
            await one(index);
        }),
      );

      const seconds = (Date.now() - started) / 1000;
      process.stdout.write(
        `fuzz: FUZZ_SEED=${SEED} FUZZ_COUNT=${COUNT} in ${seconds.toFixed(1)} s; ` +
          `${JSON.stringify(Object.fromEntries(outcomes))}; slowest message #${slowest.index} ` +
          `${slowest.ms} ms; RSS peak +${Math.round((rssPeak - rssBefore) / 1048576)} MB\n`,
      );
      expect(failures).toEqual([]);
      expect(unhandled).toEqual([]);
      expect([...outcomes.values()].reduce((a, b) => a + b, 0)).toBe(COUNT);
    },
    60_000 + COUNT * 300,
  );
});
