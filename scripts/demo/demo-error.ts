/** A failure the demo reports as one line; the message says what to do. */
export class DemoError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}
