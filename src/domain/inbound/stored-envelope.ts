import type { AcceptedRow } from '../../repositories/inbound-email.repository';
import type { OutboxRow } from '../../repositories/outbox.repository';

const clip = (value: string | null, max: number): string | null =>
  value === null ? null : value.slice(0, max);

interface Envelope {
  remoteAddress: string | null;
  helo: string | null;
  mailFrom: string | null;
  rcptTo: string[];
  projectIds: number[];
}

/** The envelope as stored: the client's words clipped to their columns rather than refused. */
export function storedEnvelope(message: Envelope): Envelope {
  return {
    remoteAddress: clip(message.remoteAddress, 64),
    helo: clip(message.helo, 255),
    mailFrom: clip(message.mailFrom, 512),
    rcptTo: message.rcptTo,
    projectIds: [...new Set(message.projectIds)],
  };
}

/** The committed ingest jobs of an accepted message, for the relay. */
export const outboxRowsOf = (rows: AcceptedRow[]): OutboxRow[] =>
  rows.map((r) => ({
    id: r.outboxId,
    queue: r.queue,
    jobName: r.jobName,
    payload: r.payload,
    jobId: null,
  }));
