import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { Group } from './group.entity';
import { User } from './user.entity';

export const ACCESS_LEVELS = {
  guest: 10,
  planner: 15,
  reporter: 20,
  developer: 30,
  maintainer: 40,
  owner: 50,
} as const;

export type RoleName = keyof typeof ACCESS_LEVELS;

@Entity({ name: 'group_members' })
@Check('group_members_access_level_check', 'access_level IN (10, 15, 20, 30, 40, 50)')
@Index('group_members_user_idx', ['userId'])
export class GroupMember {
  @ForeignKey(() => Group, { name: 'group_members_group_id_fkey', onDelete: 'CASCADE' })
  @PrimaryColumn({
    name: 'group_id',
    type: 'integer',
    primaryKeyConstraintName: 'group_members_pkey',
  })
  groupId: number;

  @ForeignKey(() => User, { name: 'group_members_user_id_fkey', onDelete: 'CASCADE' })
  @PrimaryColumn({
    name: 'user_id',
    type: 'integer',
    primaryKeyConstraintName: 'group_members_pkey',
  })
  userId: number;

  @Column({ name: 'access_level', type: 'smallint' })
  accessLevel: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
