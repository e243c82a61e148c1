import { DeskError } from './desk-error';

/** No credentials, or credentials nobody issued. */
export class UnauthorizedError extends DeskError {
  readonly temporary = false;
  readonly smtpCode = 530;
  readonly smtpStatus = '5.7.0';
  readonly httpStatus = 401;
}
