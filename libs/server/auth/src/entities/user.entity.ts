import { CreateDateColumn, Entity } from 'typeorm';
import { BooleanColumn, IdColumn, TextColumn, TimestampColumn, UuidColumn, VarcharColumn } from '@cqo/server-database';
import type { Role } from '@cqo/contracts';

@Entity('app_user')
export class UserEntity {
  @IdColumn()
  id!: string;

  @VarcharColumn()
  username!: string;

  @VarcharColumn('display_name')
  displayName!: string;

  @TextColumn('password_hash')
  passwordHash!: string;

  @VarcharColumn()
  role!: Role;

  @VarcharColumn('region_code', { nullable: true })
  regionCode!: string | null;

  @UuidColumn('enterprise_id', { nullable: true })
  enterpriseId!: string | null;

  @BooleanColumn('is_active', { default: true })
  isActive!: boolean;

  /** No longer set: failed sign-ins lock (account, client IP) pairs in login_lock (issue 18 item 5). */
  @TimestampColumn('locked_until', { nullable: true })
  lockedUntil!: Date | null;

  /** Set by `cqo user:add` and a reset: every route but me, password and logout answers 403 until the password is changed. */
  @BooleanColumn('must_change_password', { default: false })
  mustChangePassword!: boolean;

  @TimestampColumn('password_changed_at', { nullable: true })
  passwordChangedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
