import type { AuthDeps } from '../domain/access/authenticate.service';
import type { ServiceDeskAddressing } from '../domain/mail/service-desk-address';
import type { OutboxRow } from '../repositories/outbox.repository';
import type { Store } from '../repositories/store';

export interface UiDeps {
  store: Store;
  auth: AuthDeps;
  addressing: ServiceDeskAddressing;
  /** Hands committed outbox rows to the relay (reprocessing). */
  publish: (rows: OutboxRow[]) => void;
}
