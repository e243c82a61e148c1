import { DeskError } from './desk-error';

/** The project moved (or its groups did) while a ticket was being linked: try again. */
export class ContactSourceChangedError extends DeskError {
  readonly temporary = true;
  readonly smtpCode = 451;
  readonly smtpStatus = '4.3.0';
  readonly httpStatus = 409;

  constructor(projectId: number) {
    super(`the contact source of project ${projectId} changed while its ticket was being created`);
  }
}
