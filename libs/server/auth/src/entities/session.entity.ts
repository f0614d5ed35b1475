import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A signed-in session. The access token names it; logout, idle time, its absolute lifetime, a password change elsewhere and a reused token end it. */
@Entity('user_session')
export class SessionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  /** The generation of the one token that may refresh this session (rotation, ASVS V3.3). */
  @Column({ name: 'token_gen', type: 'integer', default: 0 })
  tokenGen!: number;

  /** When the token was last rotated: the previous one is still honoured for a short grace after it. */
  @Column({ name: 'rotated_at', type: 'timestamptz', nullable: true })
  rotatedAt!: Date | null;

  @Column({ type: 'varchar', nullable: true })
  ip!: string | null;

  @Column({ name: 'user_agent', type: 'varchar', nullable: true })
  userAgent!: string | null;
}
