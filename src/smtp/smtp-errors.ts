import { DeskError } from '../errors';

export type SmtpReplyError = Error & { responseCode: number };

/** The one place an error becomes an SMTP reply; anything unexpected is a retryable 451. */
export function toSmtpError(err: unknown): SmtpReplyError {
  if (err instanceof DeskError) {
    return Object.assign(new Error(`${err.smtpStatus} ${err.message}`), {
      responseCode: err.smtpCode,
    });
  }
  return Object.assign(new Error('4.3.0 local error in processing, please try again later'), {
    responseCode: 451,
  });
}
