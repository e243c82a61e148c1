import type { SenderAuthPolicy } from '../../../entities/group-crm-settings.entity';
import type { SenderAuthResults } from '../../../entities/inbound-email.entity';

export type { SenderAuthPolicy };

/** The policy of a group that sets none and has no ancestor that does: today's behaviour. */
export const INSTANCE_SENDER_AUTH_POLICY: SenderAuthPolicy = 'off';

/**
 * The policy of the last group of `policies` (its own settings, root first): its own, else the
 * nearest ancestor's, else the instance default (inherited as the contact source is).
 */
export function resolveSenderAuthPolicy(
  policies: readonly (SenderAuthPolicy | null)[],
): SenderAuthPolicy {
  for (let i = policies.length - 1; i >= 0; i--) {
    const policy = policies[i];
    if (policy) return policy;
  }
  return INSTANCE_SENDER_AUTH_POLICY;
}

/** Whether an address may be linked under a policy, and why (stored as its link reason). */
export type SenderJudgement = { pass: boolean; reason: string };

const domainOf = (address: string): string => address.split('@').pop()!.toLowerCase();

/** Did the email's From pass the policy? DMARC (or DKIM and SPF) vouch for the From domain only. */
export function judgeFrom(
  policy: Exclude<SenderAuthPolicy, 'off'>,
  results: SenderAuthResults | null,
): SenderJudgement {
  if (!results) return { pass: false, reason: 'the email has no sender authentication result' };
  if (results.notChecked)
    return { pass: false, reason: `not authenticated: ${results.notChecked}` };
  const from = results.fromDomain;
  if (!from) return { pass: false, reason: 'the email has no single From address to authenticate' };
  const dns = results.dnsFailure ? `; DNS failed: ${results.dnsFailure}` : '';
  if (policy === 'dmarc') {
    if (results.dmarcPass) return { pass: true, reason: `DMARC pass for ${from}` };
    const dmarc = results.dmarc?.result ?? 'none';
    return { pass: false, reason: `DMARC ${dmarc} for ${from}${arcNote(results)}${dns}` };
  }
  if (results.alignedPass) {
    const dkim = results.dkim.find((d) => d.result === 'pass' && d.aligned);
    const by = dkim ? `DKIM pass by ${dkim.domain}` : `SPF pass for ${results.spf.domain}`;
    return { pass: true, reason: `${by}, aligned with ${from}` };
  }
  const dkim = results.dkim.map((d) => `${d.result}${d.domain ? ` by ${d.domain}` : ''}`);
  return {
    pass: false,
    reason:
      `no DKIM or SPF pass aligned with ${from} (DKIM ${dkim.join(', ')}; ` +
      `SPF ${results.spf.result}${results.spf.domain ? ` for ${results.spf.domain}` : ''})${arcNote(results)}${dns}`,
  };
}

/**
 * An ARC chain is a relay's word for what it saw; any relay can seal one, and desk keeps no list
 * of relays it trusts, so the chain is reported and never decides.
 */
function arcNote(results: SenderAuthResults): string {
  const arc = results.arc;
  if (!arc) return '';
  const by = arc.sealedBy ? ` sealed by ${arc.sealedBy}` : '';
  return `; ARC ${arc.result}${by} (recorded, not trusted)`;
}

/**
 * An address of an email under a policy other than off. The sender (Reply-To, else From) passes
 * when it is at the From domain and the From passed; a CC address is vouched for by nobody, so it
 * passes only when the From did, and its reason says that.
 */
export function judgeAddress(
  policy: Exclude<SenderAuthPolicy, 'off'>,
  results: SenderAuthResults | null,
  participant: { email: string; role: 'from' | 'cc' },
): SenderJudgement {
  const from = judgeFrom(policy, results);
  if (participant.role === 'cc')
    return from.pass
      ? { pass: true, reason: `CC of an email whose From passed: ${from.reason}` }
      : { pass: false, reason: `CC of an email whose From did not pass: ${from.reason}` };
  if (from.pass && domainOf(participant.email) !== results!.fromDomain)
    return {
      pass: false,
      reason: `${domainOf(participant.email)} is not the authenticated From domain (${from.reason})`,
    };
  return from;
}
