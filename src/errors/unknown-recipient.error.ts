import { DeskError } from './desk-error';

export class UnknownRecipientError extends DeskError {
  readonly temporary = false;
  readonly smtpCode = 550;
  readonly smtpStatus = '5.1.1';
  readonly httpStatus = 404;

  constructor(address: string) {
    super(`<${address}>: no Service Desk accepts mail at this address`);
  }
}
