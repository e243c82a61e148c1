import { RecipientCache } from '../../src/smtp/recipient-cache';

describe('RecipientCache', () => {
  it('remembers a project for its TTL only', () => {
    const cache = new RecipientCache(5000);
    cache.set('k', 7, 1000);
    expect(cache.get('k', 5999)).toBe(7);
    expect(cache.get('k', 6000)).toBeNull();
    expect(cache.get('other', 1000)).toBeNull();
  });

  it('keeps nothing when the TTL is 0, and never grows past its bound', () => {
    const off = new RecipientCache(0);
    off.set('k', 1, 0);
    expect(off.get('k', 0)).toBeNull();
    const small = new RecipientCache(1000, 2);
    small.set('a', 1, 0);
    small.set('b', 2, 0);
    small.set('c', 3, 0);
    expect([small.get('a', 1), small.get('b', 1), small.get('c', 1)]).toEqual([null, null, 3]);
  });
});
