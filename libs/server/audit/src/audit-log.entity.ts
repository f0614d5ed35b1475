import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Append-only: a database trigger refuses UPDATE, DELETE and TRUNCATE (migration InitialSchema). */
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
