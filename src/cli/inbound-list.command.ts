import type { InboundStatus } from '../../entities/inbound-email.entity';
import type { Config } from '../config/env';
import { listInboundEmails } from '../domain/operations/inbound-emails.service';
import type { InboundSummary } from '../repositories/inbound-email.repository';
import type { Store } from '../repositories/store';
import { OPERATOR, withStore } from './cli-session';
import { print } from './output';
import { clip, formatTable } from './table';

const PAGE = 100;

/** Newest first, up to `limit`, through the pages the API serves. */
export async function inboundEmails(
  store: Store,
  filter: { status?: InboundStatus },
  limit: number,
): Promise<InboundSummary[]> {
  const found: InboundSummary[] = [];
  let cursor: string | null = null;
  do {
    const page = await listInboundEmails(store, OPERATOR, {
      filter,
      cursor,
      limit: Math.min(PAGE, limit - found.length),
    });
    found.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null && found.length < limit);
  return found;
}

const when = (d: Date) =>
  d
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');

export async function listInboundCommand(
  config: Config,
  opts: { status?: InboundStatus; limit: number; json: boolean },
): Promise<void> {
  const emails = await withStore(config, (store) =>
    inboundEmails(store, { status: opts.status }, opts.limit),
  );
  if (opts.json) return print(JSON.stringify(emails, null, 2));
  if (emails.length === 0) return print(`no inbound emails${opts.status ? ` ${opts.status}` : ''}`);
  print(
    formatTable(
      ['ID', 'RECEIVED AT', 'PROJECT', 'SENDER', 'STATUS', 'REASON'],
      emails.map((e) => [
        e.id,
        when(e.receivedAt),
        String(e.projectId),
        e.mailFrom || '<>',
        e.status,
        clip(e.reason ?? '', 100),
      ]),
    ),
  );
}
