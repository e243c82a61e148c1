import { DeskError } from './desk-error';

/** Another transaction holds the work item a reply goes to; only a caller that must not wait sees it. */
export class WorkItemBusyError extends DeskError {
  readonly temporary = true;
  readonly smtpCode = 451;
  readonly smtpStatus = '4.3.0';
  readonly httpStatus = 409;

  constructor(workItemId: number) {
    super(`work item ${workItemId} is being changed by another transaction`);
  }
}
