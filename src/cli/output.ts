/** Results go to stdout, one write per line, so a pipe or a test sees whole lines. */
export function print(text: string): void {
  process.stdout.write(`${text}\n`);
}
