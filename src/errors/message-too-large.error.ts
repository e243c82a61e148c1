import { DeskError } from './desk-error';

export class MessageTooLargeError extends DeskError {
  readonly temporary = false;
  readonly smtpCode = 552;
  readonly smtpStatus = '5.3.4';
  readonly httpStatus = 413;

  constructor(limit: number) {
    super(`message exceeds the maximum size of ${limit} bytes`);
  }
}
