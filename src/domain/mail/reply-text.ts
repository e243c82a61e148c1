import EmailReplyParser from 'email-reply-parser';

/**
 * The new text of a reply: quoted history ("On … wrote:", "> " lines) and the signature removed.
 * Falls back to the whole text when nothing would be left (a reply that is only a quote).
 */
export function replyText(text: string): string {
  const visible = new EmailReplyParser().read(text).getVisibleText().trim();
  return visible.length > 0 ? visible : text.trim();
}
