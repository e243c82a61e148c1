import type { WorkItem } from '../../entities/work-item.entity';

/** A work item as the API shows it: the reply key lets anyone write to the ticket, so it stays in. */
export function workItemJson({ replyKey: _replyKey, ...item }: WorkItem) {
  return item;
}
