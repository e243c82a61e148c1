/** Base of every expected failure: says whether a retry can help and how each edge answers it. */
export abstract class DeskError extends Error {
  abstract readonly temporary: boolean;
  /** SMTP reply code and enhanced status, for the SMTP edge. */
  abstract readonly smtpCode: number;
  abstract readonly smtpStatus: string;
  abstract readonly httpStatus: number;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
