import type { Config } from '../config/env';
import { reprocessAll, reprocessInboundEmail } from '../domain/operations/inbound-emails.service';
import { OPERATOR, withPublisher, withStore } from './cli-session';
import { print } from './output';

/** What POST /inbound-emails/reprocess does: the same service, its rows to the same queues. */
export async function reprocessInboundCommand(
  config: Config,
  target: { id: string } | { status: 'failed' | 'ignored' },
): Promise<void> {
  const { result: count, published } = await withStore(config, (store) =>
    withPublisher(config, store, async (publish) => {
      const rows =
        'id' in target
          ? [await reprocessInboundEmail(store, OPERATOR, target.id)]
          : await reprocessAll(store, OPERATOR, target.status);
      publish(rows);
      return rows.length;
    }),
  );
  print(`${count} email${count === 1 ? '' : 's'} queued for reprocessing`);
  if (count > 0 && !published)
    print('Redis is unreachable: a running desk sends them through once it reaches Redis again');
}
