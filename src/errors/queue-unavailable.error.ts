import { DeskError } from './desk-error';

export class QueueUnavailableError extends DeskError {
  readonly temporary = true;
  readonly smtpCode = 451;
  readonly smtpStatus = '4.3.0';
  readonly httpStatus = 503;

  constructor(cause?: unknown) {
    super('the job queue is temporarily unavailable', { cause });
  }
}
