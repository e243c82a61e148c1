declare module 'email-reply-parser' {
  interface ParsedEmail {
    getVisibleText(options?: { aggressive?: boolean }): string;
  }
  class EmailReplyParser {
    read(text: string): ParsedEmail;
  }
  export = EmailReplyParser;
}
