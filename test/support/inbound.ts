import { createHash } from 'node:crypto';
import { extractMessageId } from '../../src/domain/mail/message-id';
import type { AcceptedRow } from '../../src/repositories/inbound-email.repository';
import type { Store } from '../../src/repositories/store';
import { linkContacts } from '../../src/domain/crm/link-contacts.service';
import { ingestEmail, type IngestDeps } from '../../src/domain/ingest/ingest-email.service';
import {
  AcceptEmailService,
  type AcceptEmailDeps,
} from '../../src/domain/inbound/accept-email.service';
import { NO_RECORDS } from './dns-records';
import { ADDRESSING } from './seed';
import { MessageReceiver, type ReceiverDeps } from '../../src/smtp/receive-message';

/** Stores a raw message exactly as the SMTP listener does, without a socket: one row per project. */
export async function storeInbound(
  store: Store,
  input: {
    projectIds: number[];
    raw: Buffer;
    rcptTo?: string[];
    mailFrom?: string | null;
    remoteAddress?: string;
  },
): Promise<AcceptedRow[]> {
  const [rows] = await store.repos.inboundEmails.acceptMany([
    {
      remoteAddress: input.remoteAddress ?? '127.0.0.1',
      helo: 'test.example',
      mailFrom: input.mailFrom === undefined ? 'sender@example.com' : input.mailFrom,
      rcptTo: input.rcptTo ?? ['support+x@desk.localhost'],
      raw: input.raw,
      sha256: createHash('sha256').update(input.raw).digest('hex'),
      messageId: extractMessageId(input.raw),
      projectIds: input.projectIds,
    },
  ]);
  return rows ?? [];
}

export async function storeOne(
  store: Store,
  projectId: number,
  raw: Buffer,
  options: { rcptTo?: string[]; mailFrom?: string | null; remoteAddress?: string } = {},
): Promise<AcceptedRow> {
  const [row] = await storeInbound(store, { projectIds: [projectId], raw, ...options });
  if (!row) throw new Error('nothing stored');
  return row;
}

/** What the ingest and link-contacts workers are given, with the default limits. */
export type TestIngestDeps = IngestDeps & { maxContactsPerEmail: number };

export function ingestDeps(store: Store, overrides: Partial<TestIngestDeps> = {}): TestIngestDeps {
  return {
    store,
    addressing: ADDRESSING,
    attachmentLimits: { maxCount: 50, maxTotalBytes: 25 * 1024 * 1024 },
    maxContactsPerEmail: 25,
    resolveDns: NO_RECORDS,
    ...overrides,
  };
}

/**
 * What the two workers do for one email: ingest it, then run the link-contacts job it wrote. The
 * ingest outcome with the link decision in place of that job.
 */
export async function ingestAndLink(
  deps: TestIngestDeps,
  inboundEmailId: string,
  outboxId: string,
) {
  const outcome = await ingestEmail(deps, inboundEmailId, outboxId);
  if (!('linkJob' in outcome)) return outcome;
  const { linkJob, ...rest } = outcome;
  return { ...rest, links: await linkContacts(deps, outcome.workItemId, linkJob.id) };
}

/** The SMTP listener's receiver without a socket: publishes nowhere, one message per commit. */
export function testReceiver(
  store: Store,
  overrides: Partial<Omit<ReceiverDeps, 'emails'> & Omit<AcceptEmailDeps, 'store'>> = {},
): MessageReceiver {
  const { publish = () => undefined, batch, ...receiver } = overrides;
  return new MessageReceiver({
    emails: new AcceptEmailService({ store, publish, batch }),
    addressing: ADDRESSING,
    maxRecipients: 50,
    ...receiver,
  });
}
