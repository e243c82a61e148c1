import {
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  Index,
  PrimaryGeneratedColumn,
} from 'typeorm';

@Entity({ name: 'groups' })
// siblings' paths are unique case-insensitively: an expression TypeORM cannot describe
@Index('groups_parent_path_key', { synchronize: false })
@Index('groups_traversal_ids_idx', ['traversalIds'], { type: 'gin' })
export class Group {
  @PrimaryGeneratedColumn('identity', {
    type: 'integer',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'groups_pkey',
  })
  id: number;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 255 })
  path: string;

  @ForeignKey(() => Group, { name: 'groups_parent_id_fkey', onDelete: 'RESTRICT' })
  @Column({ name: 'parent_id', type: 'integer', nullable: true })
  parentId: number | null;

  /** Ancestor ids, root first, ending with this group's own id. */
  @Column({ name: 'traversal_ids', type: 'integer', array: true })
  traversalIds: number[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
