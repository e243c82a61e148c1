import type { AddressObject, EmailAddress } from 'mailparser';

const MAX_ADDRESS_LENGTH = 254;

/**
 * Canonical form of one address for matching: the bare addr-spec, lower-cased whole
 * (GitLab matches contacts case-insensitively on the full address). Null when it is not an address.
 */
export function normalizeAddress(input: string | undefined | null): string | null {
  if (!input) return null;
  let value = input.trim();
  const bracketed = /<([^<>]*)>\s*$/.exec(value);
  if (bracketed) value = (bracketed[1] ?? '').trim();
  value = value.replace(/^mailto:/i, '');
  if (value.length === 0 || value.length > MAX_ADDRESS_LENGTH || /[\s<>,;]/.test(value))
    return null;
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1) return null;
  return value.toLowerCase();
}

function flatten(list: EmailAddress[], out: string[]): void {
  for (const entry of list) {
    if (entry.group) flatten(entry.group, out);
    const address = normalizeAddress(entry.address);
    if (address) out.push(address);
  }
}

/** Every address of one or several parsed headers, group members included, normalized and unique. */
export function addressesOf(header: AddressObject | AddressObject[] | undefined): string[] {
  if (!header) return [];
  const out: string[] = [];
  for (const object of Array.isArray(header) ? header : [header]) flatten(object.value, out);
  return [...new Set(out)];
}
