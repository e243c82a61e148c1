import { DeskError } from './desk-error';

/** A client that trickles its message in slower than allowed; its MTA may try again. */
export class DataTimeoutError extends DeskError {
  readonly temporary = true;
  readonly smtpCode = 421;
  readonly smtpStatus = '4.4.2';
  readonly httpStatus = 408;

  constructor(limitMs: number) {
    super(`message not received within ${Math.round(limitMs / 1000)} seconds, closing connection`);
  }
}
