/**
 * The few classes an inbound email's free-text reason falls into, so a metric label stays
 * bounded. The prefixes are those the ingest steps write (classify, dedupe, parse, persist);
 * test/unit/reason-class.test.ts runs the steps to keep them in step.
 */
const CLASSES: [RegExp, string][] = [
  [/^bounce:/, 'bounce'],
  [/^loop:/, 'loop'],
  [/^auto-reply:/, 'auto_reply'],
  [/^same Message-ID\b/, 'same_message_id'],
  [/^same headers and body\b/, 'same_content'],
  [/^cannot parse message\b/, 'unparseable'],
  [/^mailing list\b/, 'mailing_list'],
];

/** `none` when there is no reason (a plain ticket or note), `other` for anything unforeseen. */
export function reasonClassOf(reason: string | null | undefined): string {
  if (!reason) return 'none';
  return CLASSES.find(([pattern]) => pattern.test(reason))?.[1] ?? 'other';
}

/** An email whose job ran out of retries or met a permanent error. */
export const GAVE_UP = 'gave_up';
