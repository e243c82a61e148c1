import type { DemoApi } from './demo-api';
import { DemoError } from './demo-error';

export interface InboundEmail {
  id: string;
  mailFrom: string | null;
  status: string;
  reason: string | null;
}

export interface Participant {
  email: string;
  role: string;
  linkOutcome: string | null;
  explanation: string;
}

export interface Ticket {
  iid: number;
  title: string;
  authorEmail: string | null;
  contacts: { firstName: string; lastName: string; email: string | null }[];
  participants: Participant[];
}

const TIMEOUT_MS = 60_000;

async function poll<T>(what: string, probe: () => Promise<T | null>): Promise<T> {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline)
      throw new DemoError(`waited ${TIMEOUT_MS / 1000} s for ${what}: are desk's workers running?`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The project's mail once none of the `count` emails is still waiting for its ingest job. */
export function processedEmails(api: DemoApi, projectId: number, count: number) {
  return poll('the mail to be processed', async () => {
    const { items } = await api.get<{ items: InboundEmail[] }>(
      `/inbound-emails?projectId=${projectId}&limit=100`,
    );
    return items.length >= count && items.every((e) => e.status !== 'received')
      ? items.reverse()
      : null;
  });
}

/** The project's tickets once the link-contacts job has decided every address they brought. */
export function linkedTickets(api: DemoApi, projectId: number): Promise<Ticket[]> {
  return poll('contacts to be linked', async () => {
    const { items } = await api.get<{ items: Omit<Ticket, 'contacts' | 'participants'>[] }>(
      `/projects/${projectId}/work-items?limit=100`,
    );
    const tickets: Ticket[] = [];
    for (const item of items.reverse()) {
      const path = `/projects/${projectId}/work-items/${item.iid}`;
      const participants = (await api.get<{ items: Participant[] }>(`${path}/participants`)).items;
      if (participants.some((p) => p.linkOutcome === null)) return null;
      const contacts = (await api.get<{ items: Ticket['contacts'] }>(`${path}/contacts`)).items;
      tickets.push({ ...item, contacts, participants });
    }
    return tickets;
  });
}
