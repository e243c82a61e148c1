import { DeskError } from './desk-error';

const inWords = (seconds: number) =>
  seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;

/** A client that presented too many unknown tokens waits before it may present another. */
export class TooManyAttemptsError extends DeskError {
  readonly temporary = true;
  readonly smtpCode = 421;
  readonly smtpStatus = '4.7.0';
  readonly httpStatus = 429;

  constructor(readonly retryAfterSeconds: number) {
    super(
      `too many unknown or revoked tokens from your address; try again in ${inWords(retryAfterSeconds)}`,
    );
  }
}
