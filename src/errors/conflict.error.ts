import { DeskError } from './desk-error';

/** The change would duplicate something that must be unique. */
export class ConflictError extends DeskError {
  readonly temporary = false;
  readonly smtpCode = 550;
  readonly smtpStatus = '5.7.0';
  readonly httpStatus = 409;
}
