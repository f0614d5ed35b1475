import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PolicyProfile } from '@cqo/contracts';

/** A profile version a province wrote through the form; built-ins live in libs/policy. */
@Entity('policy_profile_version')
export class PolicyProfileVersionEntity {
  @PrimaryColumn({ type: 'varchar' })
  name!: string;

  @PrimaryColumn({ type: 'integer' })
  version!: number;

  @Column({ type: 'jsonb' })
  definition!: PolicyProfile;

  @Column({ name: 'effective_from', type: 'date' })
  effectiveFrom!: string;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
