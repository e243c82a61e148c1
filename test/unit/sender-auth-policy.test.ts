import type { SenderAuthResults } from '../../entities/inbound-email.entity';
import {
  judgeAddress,
  judgeFrom,
  resolveSenderAuthPolicy,
} from '../../src/domain/crm/sender-auth-policy';
import { explainLinkOutcome } from '../../src/domain/crm/explain-link-outcome';

const results = (over: Partial<SenderAuthResults> = {}): SenderAuthResults => ({
  fromDomain: 'customer.example',
  spf: { result: 'pass', domain: 'bounce.customer.example' },
  dkim: [{ result: 'pass', domain: 'esp.example', selector: 's', aligned: false }],
  dmarc: { result: 'pass', policy: 'none' },
  arc: null,
  dmarcPass: true,
  alignedPass: true,
  dnsFailure: null,
  header: 'Authentication-Results: desk.localhost; dmarc=pass',
  ...over,
});

describe('the sender-authentication policy', () => {
  it('is inherited from the nearest group that sets one, else off (today’s behaviour)', () => {
    expect(resolveSenderAuthPolicy([])).toBe('off');
    expect(resolveSenderAuthPolicy([null, null])).toBe('off');
    expect(resolveSenderAuthPolicy(['dmarc', null])).toBe('dmarc');
    expect(resolveSenderAuthPolicy(['dmarc', 'off', null])).toBe('off');
    expect(resolveSenderAuthPolicy([null, 'dkim-or-spf'])).toBe('dkim-or-spf');
  });

  it('says which aligned check vouched for the From under dkim-or-spf', () => {
    expect(judgeFrom('dkim-or-spf', results())).toEqual({
      pass: true,
      reason: 'SPF pass for bounce.customer.example, aligned with customer.example',
    });
    expect(judgeFrom('dkim-or-spf', results({ alignedPass: false }))).toEqual({
      pass: false,
      reason:
        'no DKIM or SPF pass aligned with customer.example (DKIM pass by esp.example; SPF pass for bounce.customer.example)',
    });
  });

  it('never passes an email without exactly one From, or without results', () => {
    expect(judgeFrom('dmarc', results({ fromDomain: null }))).toMatchObject({ pass: false });
    expect(judgeFrom('dmarc', null)).toMatchObject({ pass: false });
  });

  it('passes the sender only at the From domain, matching case-insensitively', () => {
    const sender = (email: string) => judgeAddress('dmarc', results(), { email, role: 'from' });
    expect(sender('Alice@Customer.Example').pass).toBe(true);
    expect(sender('alice@sub.customer.example').pass).toBe(false);
  });

  it('explains the outcome in words', () => {
    expect(explainLinkOutcome('unauthenticated')).toBe(
      'not linked: the sender did not pass the group’s sender-authentication policy',
    );
  });
});
