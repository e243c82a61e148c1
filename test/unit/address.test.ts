import { addressesOf, normalizeAddress } from '../../src/domain/mail/address';
import { parseEmail } from '../../src/domain/ingest/parse';
import {
  isOwnAddress,
  parseServiceDeskAddress,
  serviceDeskAddress,
} from '../../src/domain/mail/service-desk-address';

const addressing = { localPart: 'support', domain: 'desk.localhost' };

describe('normalizeAddress', () => {
  it.each([
    ['Alice@Example.COM', 'alice@example.com'],
    ['  bob@example.com ', 'bob@example.com'],
    ['"Bob, Jr." <Bob.Jr@Example.com>', 'bob.jr@example.com'],
    ['mailto:Carol@example.com', 'carol@example.com'],
    ['<dave@example.com>', 'dave@example.com'],
  ])('normalizes %s', (input, expected) => {
    expect(normalizeAddress(input)).toBe(expected);
  });

  it.each([
    [''],
    ['no-at-sign'],
    ['@example.com'],
    ['user@'],
    ['two words@example.com'],
    [undefined],
  ])('rejects %p', (input) => {
    expect(normalizeAddress(input)).toBeNull();
  });

  it('rejects addresses longer than RFC 5321 allows', () => {
    expect(normalizeAddress(`${'a'.repeat(250)}@example.com`)).toBeNull();
  });
});

describe('addressesOf (parsed headers)', () => {
  it('decodes display names and encoded words, flattens groups and dedupes', async () => {
    const raw = Buffer.from(
      [
        'From: =?utf-8?B?0JDQvdC90LA=?= <Anna@Example.com>',
        'Cc: "Smith, John" <JOHN@example.com>, team: x@example.com, Y@Example.com;, john@example.com',
        'Subject: hi',
        '',
        'body',
      ].join('\r\n'),
    );
    const parsed = await parseEmail(raw);
    if (parsed.kind !== 'parsed') throw new Error(parsed.reason);
    expect(parsed.email.from).toEqual(['anna@example.com']);
    expect(parsed.email.cc).toEqual(['john@example.com', 'x@example.com', 'y@example.com']);
    expect(addressesOf(undefined)).toEqual([]);
  });

  it('prefers Reply-To, then From, then Sender as the customer address', async () => {
    const parse = async (headers: string[]) => {
      const parsed = await parseEmail(Buffer.from([...headers, '', 'x'].join('\r\n')));
      if (parsed.kind !== 'parsed') throw new Error(parsed.reason);
      return parsed.email.sender;
    };
    expect(await parse(['From: a@example.com', 'Reply-To: R@example.com'])).toBe('r@example.com');
    expect(await parse(['From: a@example.com', 'Sender: s@example.com'])).toBe('a@example.com');
    expect(await parse(['Sender: S@example.com'])).toBe('s@example.com');
  });
});

describe('Service Desk addresses', () => {
  it('reads the project key, case-insensitively', () => {
    expect(parseServiceDeskAddress(addressing, 'Support+AbC123@Desk.Localhost')).toEqual({
      projectKey: 'abc123',
      replyKey: null,
    });
  });

  it('reads a reply key', () => {
    expect(parseServiceDeskAddress(addressing, 'support+abc-0f0f@desk.localhost')).toEqual({
      projectKey: 'abc',
      replyKey: '0f0f',
    });
  });

  it.each([
    'support@desk.localhost',
    'support+abc@other.example',
    'helpdesk+abc@desk.localhost',
    'support+a.b@desk.localhost',
  ])('is not ours: %s', (address) => {
    expect(parseServiceDeskAddress(addressing, address)).toBeNull();
  });

  it('builds the address it parses', () => {
    expect(
      parseServiceDeskAddress(addressing, serviceDeskAddress(addressing, 'k1'))?.projectKey,
    ).toBe('k1');
  });

  it('knows its own addresses', () => {
    expect(isOwnAddress(addressing, 'SUPPORT+x@desk.localhost')).toBe(true);
    expect(isOwnAddress(addressing, 'support@desk.localhost')).toBe(true);
    expect(isOwnAddress(addressing, 'supporter@desk.localhost')).toBe(false);
    expect(isOwnAddress(addressing, 'support+x@example.com')).toBe(false);
  });
});
