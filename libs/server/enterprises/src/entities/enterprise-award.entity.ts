import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { AwardType } from '@cqo/contracts';

@Entity('enterprise_award')
export class EnterpriseAwardEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'enterprise_id', type: 'uuid' })
  enterpriseId!: string;

  @Column({ type: 'varchar' })
  award!: AwardType;

  /** Null when the year is not known (SPEC §8). */
  @Column({ type: 'smallint', nullable: true })
  year!: number | null;
}
