export { DeskError } from './desk-error';
export { DatabaseUnavailableError } from './database-unavailable.error';
export { MessageTooLargeError } from './message-too-large.error';
export { NotFoundError } from './not-found.error';
export { QueueUnavailableError } from './queue-unavailable.error';
export { TooManyConnectionsError } from './too-many-connections.error';
export { TooManyRecipientsError } from './too-many-recipients.error';
export { UnknownRecipientError } from './unknown-recipient.error';
