import { DeskError } from './desk-error';

export class TooManyConnectionsError extends DeskError {
  readonly temporary = true;
  readonly smtpCode = 421;
  readonly smtpStatus = '4.7.0';
  readonly httpStatus = 429;

  constructor(limit: number) {
    super(`too many connections from your address (at most ${limit}), try again later`);
  }
}
