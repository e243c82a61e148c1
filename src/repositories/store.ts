import type { DataSource, EntityManager } from 'typeorm';
import { ApiTokenRepository } from './api-token.repository';
import { AttachmentRepository } from './attachment.repository';
import { ContactRepository } from './contact.repository';
import { CrmMigrationRepository } from './crm-migration.repository';
import { translateDbError } from './db-errors';
import { EmailParticipantRepository } from './email-participant.repository';
import { GroupRepository } from './group.repository';
import { InboundEmailRepository } from './inbound-email.repository';
import { InboundIngestRepository } from './inbound-ingest.repository';
import { MembershipRepository } from './membership.repository';
import { OrganizationRepository } from './organization.repository';
import { OutboxRepository } from './outbox.repository';
import { ProjectRepository } from './project.repository';
import { UserRepository } from './user.repository';
import { WorkItemContactRepository } from './work-item-contact.repository';
import { WorkItemRepository } from './work-item.repository';

export interface Repositories {
  apiTokens: ApiTokenRepository;
  attachments: AttachmentRepository;
  contacts: ContactRepository;
  crmMigration: CrmMigrationRepository;
  groups: GroupRepository;
  inboundEmails: InboundEmailRepository;
  ingest: InboundIngestRepository;
  memberships: MembershipRepository;
  organizations: OrganizationRepository;
  outbox: OutboxRepository;
  participants: EmailParticipantRepository;
  projects: ProjectRepository;
  users: UserRepository;
  workItemContacts: WorkItemContactRepository;
  workItems: WorkItemRepository;
}

function repositoriesOf(em: EntityManager): Repositories {
  return {
    apiTokens: new ApiTokenRepository(em),
    attachments: new AttachmentRepository(em),
    contacts: new ContactRepository(em),
    crmMigration: new CrmMigrationRepository(em),
    groups: new GroupRepository(em),
    inboundEmails: new InboundEmailRepository(em),
    ingest: new InboundIngestRepository(em),
    memberships: new MembershipRepository(em),
    organizations: new OrganizationRepository(em),
    outbox: new OutboxRepository(em),
    participants: new EmailParticipantRepository(em),
    projects: new ProjectRepository(em),
    users: new UserRepository(em),
    workItemContacts: new WorkItemContactRepository(em),
    workItems: new WorkItemRepository(em),
  };
}

/**
 * The domain's only door to PostgreSQL: repositories outside a transaction, a unit of work
 * inside one, and transient failures turned into DatabaseUnavailableError.
 */
export class Store {
  readonly repos: Repositories;

  constructor(private readonly dataSource: DataSource) {
    this.repos = repositoriesOf(dataSource.manager);
  }

  async run<T>(fn: (repos: Repositories) => Promise<T>): Promise<T> {
    try {
      return await fn(this.repos);
    } catch (err) {
      return translateDbError(err);
    }
  }

  async transaction<T>(fn: (repos: Repositories) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction((em) => fn(repositoriesOf(em)));
    } catch (err) {
      return translateDbError(err);
    }
  }

  async ping(): Promise<void> {
    await this.run(() => this.dataSource.createQueryBuilder().select('1').fromDummy().getRawOne());
  }
}
