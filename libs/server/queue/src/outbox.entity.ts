import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('outbox')
export class OutboxEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'varchar' })
  queue!: string;

  @Column({ name: 'job_name', type: 'varchar' })
  jobName!: string;

  @Column({ type: 'jsonb' })
  payload!: unknown;

  @Column({ name: 'relayed_at', type: 'timestamptz', nullable: true })
  relayedAt!: Date | null;

  /** When a worker completed the job (or the relay absorbed a coalesced row); until then the row is watched. */
  @Column({ name: 'done_at', type: 'timestamptz', nullable: true })
  doneAt!: Date | null;

  /** When the relay gave up on a job that failed all its attempts and re-sends (shown in /api/health). */
  @Column({ name: 'failed_at', type: 'timestamptz', nullable: true })
  failedAt!: Date | null;

  /** The watch's last look at the job in bull. */
  @Column({ name: 'checked_at', type: 'timestamptz', nullable: true })
  checkedAt!: Date | null;

  /** Times the job was sent again (lost from Redis, or failed for good). */
  @Column({ type: 'int', default: 0 })
  resends!: number;

  /** Failed sends to Redis. */
  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;
}
