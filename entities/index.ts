import { ApiToken } from './api-token.entity';
import { Attachment } from './attachment.entity';
import { Contact } from './contact.entity';
import { EmailParticipant } from './email-participant.entity';
import { Group } from './group.entity';
import { GroupCrmSettings } from './group-crm-settings.entity';
import { GroupMember } from './group-member.entity';
import { InboundEmail } from './inbound-email.entity';
import { Note } from './note.entity';
import { Organization } from './organization.entity';
import { Outbox } from './outbox.entity';
import { Project } from './project.entity';
import { User } from './user.entity';
import { WorkItem } from './work-item.entity';
import { WorkItemContact } from './work-item-contact.entity';

export const ENTITIES = [
  ApiToken,
  Attachment,
  Contact,
  EmailParticipant,
  Group,
  GroupCrmSettings,
  GroupMember,
  InboundEmail,
  Note,
  Organization,
  Outbox,
  Project,
  User,
  WorkItem,
  WorkItemContact,
];

export {
  ApiToken,
  Attachment,
  Contact,
  EmailParticipant,
  Group,
  GroupCrmSettings,
  GroupMember,
  InboundEmail,
  Note,
  Organization,
  Outbox,
  Project,
  User,
  WorkItem,
  WorkItemContact,
};
