import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { InboundStatus } from '../../entities/inbound-email.entity';
import type { Config } from '../config/env';
import { getInboundEmail } from '../domain/operations/inbound-emails.service';
import { OPERATOR, withStore } from './cli-session';
import { inboundEmails } from './inbound-list.command';
import { print } from './output';

/** Writes each email as received to DIR/<id>.eml, read as GET /inbound-emails/:id/raw reads it. */
export async function exportInboundCommand(
  config: Config,
  target: { id: string } | { status: InboundStatus; limit: number },
  dir: string,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const count = await withStore(config, async (store) => {
    const ids =
      'id' in target
        ? [target.id]
        : (await inboundEmails(store, { status: target.status }, target.limit)).map((e) => e.id);
    for (const id of ids) {
      const email = await getInboundEmail(store, OPERATOR, id);
      await writeFile(join(dir, `${email.id}.eml`), email.raw);
    }
    return ids.length;
  });
  print(`${count} email${count === 1 ? '' : 's'} exported to ${dir}`);
}
