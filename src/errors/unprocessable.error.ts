import { DeskError } from './desk-error';

/** Well-formed input that the business rules refuse; `details` says what failed and why. */
export class UnprocessableError extends DeskError {
  readonly temporary = false;
  readonly smtpCode = 550;
  readonly smtpStatus = '5.7.0';
  readonly httpStatus = 422;

  constructor(
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}
