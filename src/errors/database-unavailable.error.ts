import { DeskError } from './desk-error';

export class DatabaseUnavailableError extends DeskError {
  readonly temporary = true;
  readonly smtpCode = 451;
  readonly smtpStatus = '4.3.0';
  readonly httpStatus = 503;

  constructor(cause?: unknown) {
    super('storage is temporarily unavailable, please try again later', { cause });
  }
}
