import { DeskError } from './desk-error';

/** A reply arrived before the message it answers was processed: wait, or it would open a 2nd ticket. */
export class ThreadParentPendingError extends DeskError {
  readonly temporary = true;
  readonly smtpCode = 451;
  readonly smtpStatus = '4.3.0';
  readonly httpStatus = 409;

  constructor(inboundEmailId: string, parentId: string) {
    super(
      `inbound email ${inboundEmailId} answers inbound email ${parentId}, which is not processed yet`,
    );
  }
}
