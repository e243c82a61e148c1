import type { ParsedAttachment } from '../ingest/parse';

export interface AttachmentLimits {
  maxCount: number;
  maxTotalBytes: number;
}

export interface DroppedAttachment {
  filename: string;
  size: number;
  reason: string;
}

/** Keeps attachments in message order while they fit the limits; says why each other one was dropped. */
export function applyAttachmentLimits(
  attachments: ParsedAttachment[],
  limits: AttachmentLimits,
): { kept: ParsedAttachment[]; dropped: DroppedAttachment[] } {
  const kept: ParsedAttachment[] = [];
  const dropped: DroppedAttachment[] = [];
  let total = 0;
  for (const a of attachments) {
    if (kept.length >= limits.maxCount) {
      dropped.push({
        filename: a.filename,
        size: a.size,
        reason: `more than ${limits.maxCount} attachments`,
      });
    } else if (total + a.size > limits.maxTotalBytes) {
      dropped.push({
        filename: a.filename,
        size: a.size,
        reason: `attachments would exceed ${limits.maxTotalBytes} bytes in all`,
      });
    } else {
      kept.push(a);
      total += a.size;
    }
  }
  return { kept, dropped };
}

export function describeDropped(dropped: DroppedAttachment[]): string {
  const lines = dropped.map((d) => `- ${d.filename} (${d.size} bytes): ${d.reason}`);
  return `desk did not keep ${dropped.length} attachment(s) of this email:\n${lines.join('\n')}`;
}
