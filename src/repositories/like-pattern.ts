/** Escapes LIKE wildcards so user input matches literally (backslash is PostgreSQL's default). */
export function likePattern(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
