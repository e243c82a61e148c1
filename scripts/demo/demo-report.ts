import { formatTable } from '../../src/cli/table';
import type { DemoApi } from './demo-api';
import type { InboundEmail, Ticket } from './demo-results';

export const print = (text = '') => process.stdout.write(`${text}\n`);

const name = (c: Ticket['contacts'][number]) => `${c.firstName} ${c.lastName} <${c.email}>`;

export function printTickets(tickets: Ticket[]): void {
  print('Tickets and their linked contacts:');
  print(
    formatTable(
      ['TICKET', 'TITLE', 'FROM', 'LINKED CONTACTS'],
      tickets.map((t) => [
        `#${t.iid}`,
        t.title,
        t.authorEmail ?? '',
        t.contacts.map(name).join(', ') || '(none)',
      ]),
    ),
  );
  print();
  print('Every address those emails brought, and why it was or was not linked:');
  print(
    formatTable(
      ['TICKET', 'ADDRESS', 'ROLE', 'OUTCOME'],
      tickets.flatMap((t) =>
        t.participants.map((p) => [`#${t.iid}`, p.email, p.role, p.explanation]),
      ),
    ),
  );
}

export function printMail(emails: InboundEmail[]): void {
  print('Received mail (GET /api/v1/inbound-emails?projectId=…):');
  print(
    formatTable(
      ['ID', 'ENVELOPE SENDER', 'STATUS', 'REASON'],
      emails.map((e) => [e.id, e.mailFrom || '<>', e.status, e.reason ?? '']),
    ),
  );
  const ignored = emails.filter((e) => e.status === 'ignored');
  print();
  print(`Ignored, no ticket (${ignored.length}):`);
  for (const e of ignored) print(`  email ${e.id} from ${e.mailFrom || '<>'}: ${e.reason}`);
}

const NEXT = [
  ['/docs', 'the admin API, every route (OpenAPI)'],
  ['/admin/queues', 'queues and jobs (Bull Board, instance admins)'],
  ['/metrics', 'Prometheus metrics'],
] as const;

/** Pages this desk serves; one it does not (an older desk) is said to be missing. */
export async function printWhereNext(api: DemoApi): Promise<void> {
  print('Where to look next:');
  const rows: [string, string][] = [];
  for (const [path, what] of NEXT) {
    const served = (await api.statusOf(path)) !== 404;
    rows.push([`${api.baseUrl}${path}`, served ? what : `${what}: not served by this desk`]);
  }
  rows.push(['npm run desk -- inbound list --status failed', 'mail that failed, and why']);
  const width = Math.max(...rows.map(([where]) => where.length));
  for (const [where, what] of rows) print(`  ${where.padEnd(width)}  ${what}`);
}
