import { DependencyWatch, outageOf } from '../../src/app/dependency-watch';
import { DatabaseUnavailableError } from '../../src/errors';
import { createRootLogger } from '../../src/logger';
import { captureLogs } from '../support/log-capture';

function watchWith(pgAnswers: () => boolean) {
  const logs = captureLogs();
  const logger = createRootLogger('info', logs.stream);
  const watch = new DependencyWatch(
    logger,
    {
      PostgreSQL: async () => {
        if (!pgAnswers()) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      },
      Redis: async () => undefined,
    },
    20,
  );
  return { watch, lines: () => logs.lines() };
}

const refused = () =>
  new DatabaseUnavailableError(
    Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
  );
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('DependencyWatch', () => {
  it('tells an outage from a deadlock or a bug', () => {
    expect(outageOf(refused())).toBe('PostgreSQL');
    expect(
      outageOf(
        new DatabaseUnavailableError(Object.assign(new Error('deadlock'), { code: '40P01' })),
      ),
    ).toBeNull();
    expect(
      outageOf(
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }),
      ),
    ).toBe('Redis');
    expect(outageOf(new Error('Connection is closed.'))).toBe('Redis');
    expect(outageOf(new TypeError('x is undefined'))).toBeNull();
  });

  it('warns once when the dependency is away and once when it is back, counting what failed meanwhile', async () => {
    let up = false;
    const { watch, lines } = watchWith(() => up);
    expect(watch.report(refused(), 'SMTP commands answered 451')).toBe(true);
    await settle(50);
    for (let i = 0; i < 4; i++) watch.report(refused(), 'SMTP commands answered 451');
    watch.report(refused(), 'job attempts failed');
    expect(watch.isDown('PostgreSQL')).toBe(true);
    up = true;
    await settle(80);
    watch.stop();
    expect(lines().map((l) => [l.level, l.msg])).toEqual([
      [
        40,
        expect.stringMatching(/^PostgreSQL is unreachable \(storage is temporarily unavailable/),
      ],
      [
        40,
        expect.stringMatching(
          /^PostgreSQL is back after \d+\.\d s; meanwhile 5 SMTP commands answered 451, 1 job attempts failed$/,
        ),
      ],
    ]);
  });

  it('says once that a connection failed when the probe finds the dependency answering', async () => {
    const { watch, lines } = watchWith(() => true);
    watch.report(refused(), 'job attempts failed');
    await settle(50);
    watch.stop();
    expect(lines().map((l) => l.msg)).toEqual([
      'PostgreSQL failed (storage is temporarily unavailable, please try again later) but answers: 1 job attempts failed',
    ]);
    expect(watch.isDown('PostgreSQL')).toBe(false);
  });

  it('counts jobs whose keys Redis lost in one line, not one warning per job', async () => {
    const { watch, lines } = watchWith(() => true);
    const lost = (id: number) => new Error(`Missing key for job outbox-${id}. moveToFinished`);
    expect(outageOf(lost(1))).toBe('Redis');
    for (let id = 1; id <= 18; id++)
      expect(
        watch.report(lost(id), 'jobs whose keys Redis lost (the outbox republishes them)'),
      ).toBe(true);
    await settle(50);
    watch.stop();
    expect(lines().map((l) => l.msg)).toEqual([
      'Redis failed (Missing key for job outbox-1. moveToFinished) but answers: 18 jobs whose keys Redis lost (the outbox republishes them)',
    ]);
  });

  it('leaves errors that are no outage to the caller', () => {
    const { watch, lines } = watchWith(() => true);
    expect(watch.report(new Error('syntax error at or near'), 'job attempts failed')).toBe(false);
    watch.stop();
    expect(lines()).toEqual([]);
  });
});
