import { clientKey } from '../../src/api/token-guess-limiter';

describe('clientKey: what one client is counted as', () => {
  it('counts an IPv4 address as itself, also when it arrives IPv4-mapped', () => {
    expect(clientKey('203.0.113.9')).toBe('203.0.113.9');
    expect(clientKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(clientKey('::FFFF:203.0.113.9')).toBe('203.0.113.9');
  });

  it('counts every IPv6 address of a /64 as one client, however it is written', () => {
    const block = '2001:db8:aa:bb::/64';
    expect(clientKey('2001:db8:aa:bb::1')).toBe(block);
    expect(clientKey('2001:0db8:00aa:00bb:ffff:1:2:3')).toBe(block);
    expect(clientKey('2001:DB8:AA:BB:0:0:0:9')).toBe(block);
    expect(clientKey('2001:db8:aa:bc::1')).toBe('2001:db8:aa:bc::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('2001:db8::')).toBe('2001:db8:0:0::/64');
  });
});
