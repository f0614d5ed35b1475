import { Column, Entity } from 'typeorm';
import { IdColumn, TimestampColumn, UuidColumn, VarcharColumn } from '@cqo/server-database';

/** A signed-in session. The access token names it; logout, idle time, its absolute lifetime, a password change elsewhere and a reused token end it. */
@Entity('user_session')
export class SessionEntity {
  @IdColumn()
  id!: string;

  @UuidColumn('user_id')
  userId!: string;

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('last_seen_at')
  lastSeenAt!: Date;

  @TimestampColumn('revoked_at', { nullable: true })
  revokedAt!: Date | null;

  /** The generation of the one token that may refresh this session (rotation, ASVS V3.3). */
  @Column({ name: 'token_gen', type: 'integer', default: 0 })
  tokenGen!: number;

  /** When the token was last rotated: the previous one is still honoured for a short grace after it. */
  @TimestampColumn('rotated_at', { nullable: true })
  rotatedAt!: Date | null;

  @VarcharColumn({ nullable: true })
  ip!: string | null;

  @VarcharColumn('user_agent', { nullable: true })
  userAgent!: string | null;
}
