import { DatabaseUnavailableError } from '../../src/errors';
import { AcceptBatcher } from '../../src/repositories/accept-batcher';

/** A commit whose completion the test controls, recording each batch it was given. */
function controlledCommit(fail: (m: string) => Error | null = () => null) {
  const batches: string[][] = [];
  const pending: (() => void)[] = [];
  const commit = (messages: string[]) => {
    batches.push(messages);
    return new Promise<string[]>((resolve, reject) => {
      pending.push(() => {
        const error = messages.map(fail).find((e) => e !== null);
        if (error) reject(error);
        else resolve(messages.map((m) => `stored ${m}`));
      });
    });
  };
  const finishAll = async () => {
    while (pending.length > 0) {
      pending.shift()!();
      await new Promise((r) => setImmediate(r));
    }
  };
  return { batches, commit, finishAll };
}

const limits = { maxMessages: 64, maxBytes: 1000, maxInFlight: 1 };

describe('AcceptBatcher (group commit)', () => {
  it('commits a message at once when nothing is in flight, and gathers the ones that arrive meanwhile', async () => {
    const c = controlledCommit();
    const batcher = new AcceptBatcher(c.commit, limits);
    const results = ['a', 'b', 'c', 'd'].map((m) => batcher.submit(m, 10));
    expect(c.batches).toEqual([['a']]);
    await c.finishAll();
    expect(c.batches).toEqual([['a'], ['b', 'c', 'd']]);
    await expect(Promise.all(results)).resolves.toEqual([
      'stored a',
      'stored b',
      'stored c',
      'stored d',
    ]);
  });

  it('caps a batch by message count and by bytes, but never refuses a lone big message', async () => {
    const c = controlledCommit();
    const batcher = new AcceptBatcher(c.commit, { maxMessages: 2, maxBytes: 100, maxInFlight: 1 });
    const sizes: [string, number][] = [
      ['first', 1],
      ['a', 10],
      ['b', 10],
      ['c', 60],
      ['d', 60],
      ['huge', 5000],
      ['e', 1],
    ];
    const results = sizes.map(([m, bytes]) => batcher.submit(m, bytes));
    await c.finishAll();
    await Promise.all(results);
    expect(c.batches).toEqual([['first'], ['a', 'b'], ['c'], ['d'], ['huge'], ['e']]);
  });

  it('runs up to maxInFlight commits at once', async () => {
    const c = controlledCommit();
    const batcher = new AcceptBatcher(c.commit, { ...limits, maxInFlight: 2 });
    const results = ['a', 'b', 'c', 'd'].map((m) => batcher.submit(m, 1));
    expect(c.batches).toEqual([['a'], ['b']]);
    await c.finishAll();
    await Promise.all(results);
    expect(c.batches).toEqual([['a'], ['b'], ['c', 'd']]);
  });

  it('retries a failed batch message by message, so one unstorable message refuses only itself', async () => {
    const c = controlledCommit((m) => (m === 'bad' ? new Error('invalid byte sequence') : null));
    const batcher = new AcceptBatcher(c.commit, limits);
    const first = batcher.submit('first', 1);
    const rest = ['ok1', 'bad', 'ok2'].map((m) =>
      batcher.submit(m, 1).then(
        (r) => r,
        (e: Error) => `refused: ${e.message}`,
      ),
    );
    await c.finishAll();
    await first;
    await expect(Promise.all(rest)).resolves.toEqual([
      'stored ok1',
      'refused: invalid byte sequence',
      'stored ok2',
    ]);
    expect(c.batches).toEqual([['first'], ['ok1', 'bad', 'ok2'], ['ok1'], ['bad'], ['ok2']]);
  });

  it('refuses the whole batch without retrying while the database is away', async () => {
    const c = controlledCommit((m) => (m === 'first' ? null : new DatabaseUnavailableError()));
    const batcher = new AcceptBatcher(c.commit, limits);
    const first = batcher.submit('first', 1);
    const rest = ['x', 'y'].map((m) => batcher.submit(m, 1).catch((e: unknown) => e));
    await c.finishAll();
    await first;
    const errors = await Promise.all(rest);
    expect(errors.every((e) => e instanceof DatabaseUnavailableError)).toBe(true);
    expect(c.batches).toEqual([['first'], ['x', 'y']]);
  });
});
