import { DeskError } from './desk-error';

/** A header block no parser will read: refused at DATA so the sender gets a bounce. */
export class HeaderTooLargeError extends DeskError {
  readonly temporary = false;
  readonly smtpCode = 552;
  readonly smtpStatus = '5.3.4';
  readonly httpStatus = 413;

  constructor(limit: number) {
    super(`message header exceeds the maximum size of ${limit} bytes`);
  }
}
