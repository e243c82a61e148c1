import { DeskError } from './desk-error';

/** A record a job points at is gone: retrying will not bring it back. */
export class NotFoundError extends DeskError {
  readonly temporary = false;
  readonly smtpCode = 550;
  readonly smtpStatus = '5.0.0';
  readonly httpStatus = 404;
}
