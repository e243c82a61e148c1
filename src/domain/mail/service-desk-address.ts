import { normalizeAddress } from './address';

export interface ServiceDeskAddressing {
  localPart: string;
  domain: string;
}

export interface ServiceDeskRecipient {
  projectKey: string;
  /** Set when the address is a ticket's reply address `<local>+<key>-<replyKey>@<domain>`. */
  replyKey: string | null;
}

export function serviceDeskAddress(addressing: ServiceDeskAddressing, key: string): string {
  return `${addressing.localPart}+${key}@${addressing.domain}`.toLowerCase();
}

/** Reads the project key (and reply key) out of a recipient; null when it is not one of ours. */
export function parseServiceDeskAddress(
  addressing: ServiceDeskAddressing,
  address: string,
): ServiceDeskRecipient | null {
  const normalized = normalizeAddress(address);
  if (!normalized) return null;
  const at = normalized.lastIndexOf('@');
  if (normalized.slice(at + 1) !== addressing.domain.toLowerCase()) return null;
  const local = normalized.slice(0, at);
  const prefix = `${addressing.localPart.toLowerCase()}+`;
  if (!local.startsWith(prefix)) return null;
  const match = /^([a-z0-9]+)(?:-([a-z0-9]+))?$/.exec(local.slice(prefix.length));
  if (!match?.[1]) return null;
  return { projectKey: match[1], replyKey: match[2] ?? null };
}

/** desk's own addresses are never a customer: they are neither linked nor answered. */
export function isOwnAddress(addressing: ServiceDeskAddressing, address: string): boolean {
  const normalized = normalizeAddress(address);
  if (!normalized) return false;
  const at = normalized.lastIndexOf('@');
  if (normalized.slice(at + 1) !== addressing.domain.toLowerCase()) return false;
  const local = normalized.slice(0, at);
  const base = addressing.localPart.toLowerCase();
  return local === base || local.startsWith(`${base}+`);
}
