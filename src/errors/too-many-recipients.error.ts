import { DeskError } from './desk-error';

export class TooManyRecipientsError extends DeskError {
  readonly temporary = true;
  readonly smtpCode = 452;
  readonly smtpStatus = '4.5.3';
  readonly httpStatus = 400;

  constructor(limit: number) {
    super(`too many recipients, at most ${limit} per message`);
  }
}
