import { DeskError } from './desk-error';

/** DNS did not answer a sender-authentication lookup: the email waits and is tried again. */
export class DnsUnavailableError extends DeskError {
  readonly temporary = true;
  readonly smtpCode = 451;
  readonly smtpStatus = '4.4.3';
  readonly httpStatus = 503;

  constructor(inboundEmailId: string, failure: string) {
    super(`sender authentication of inbound email ${inboundEmailId} waits for DNS: ${failure}`);
  }
}
