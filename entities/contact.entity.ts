import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Group } from './group.entity';
import { Organization } from './organization.entity';
import type { CrmState } from './organization.entity';

@Entity({ name: 'contacts' })
@Check('contacts_state_check', "state IN ('active', 'inactive')")
// an organization must belong to the contact's own group; a group transfer defers the check
@ForeignKey(() => Organization, ['groupId', 'organizationId'], ['groupId', 'id'], {
  name: 'contacts_group_id_organization_id_fkey',
  deferrable: 'INITIALLY IMMEDIATE',
})
// lower(email) is an expression TypeORM cannot describe; the migration owns it
@Index('contacts_group_email_key', { synchronize: false })
@Index('contacts_organization_idx', ['organizationId'], { where: 'organization_id IS NOT NULL' })
@Index('contacts_group_names_idx', ['groupId', 'lastName', 'firstName', 'id'])
export class Contact {
  @PrimaryGeneratedColumn('identity', {
    type: 'integer',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'contacts_pkey',
  })
  id: number;

  @ForeignKey(() => Group, { name: 'contacts_group_id_fkey', onDelete: 'CASCADE' })
  @Column({ name: 'group_id', type: 'integer' })
  groupId: number;

  @Column({ name: 'organization_id', type: 'integer', nullable: true })
  organizationId: number | null;

  @Column({ name: 'first_name', type: 'varchar', length: 255 })
  firstName: string;

  @Column({ name: 'last_name', type: 'varchar', length: 255 })
  lastName: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  email: string | null;

  @Column({ type: 'varchar', length: 32, default: '' })
  phone: string;

  @Column({ type: 'varchar', length: 1024, default: '' })
  description: string;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  state: CrmState;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
