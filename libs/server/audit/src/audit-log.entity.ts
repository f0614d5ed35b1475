import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Append-only: a database trigger refuses UPDATE, DELETE and TRUNCATE (migration InitialSchema), and
 * the app's role is granted SELECT and INSERT only (migration AppRole, issue 18 item 3). Each row is
 * chained (lane, seq, prev_hash, hash) by the trigger `audit_log_chain` (migration AuditChain) as it
 * is inserted; those columns are not mapped here, so no INSERT names them.
 */
@Entity('audit_log')
export class AuditLogEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId!: string | null;

  @Column({ name: 'actor_username', type: 'varchar', nullable: true })
  actorUsername!: string | null;

  @Column({ name: 'actor_role', type: 'varchar', nullable: true })
  actorRole!: string | null;

  @Column({ type: 'varchar', nullable: true })
  ip!: string | null;

  @Column({ type: 'varchar' })
  action!: string;

  @Column({ name: 'object_type', type: 'varchar', nullable: true })
  objectType!: string | null;

  @Column({ name: 'object_id', type: 'varchar', nullable: true })
  objectId!: string | null;

  @Column({ type: 'varchar' })
  result!: 'success' | 'denied' | 'failure';

  @Column({ type: 'jsonb', nullable: true })
  details!: Record<string, unknown> | null;
}
