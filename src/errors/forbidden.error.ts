import { DeskError } from './desk-error';

/** The caller can see the resource but its role is too low for this action. */
export class ForbiddenError extends DeskError {
  readonly temporary = false;
  readonly smtpCode = 550;
  readonly smtpStatus = '5.7.1';
  readonly httpStatus = 403;
}
