import { Column, Entity, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';
import type { ClosingReason, OwnershipType, SizeClass } from '@cqo/contracts';

@Entity('enterprise')
export class EnterpriseEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'credit_code', type: 'varchar' })
  creditCode!: string;

  @Column({ type: 'varchar' })
  name!: string;

  @Column({ name: 'region_code', type: 'varchar' })
  regionCode!: string;

  /** Copy of the region's path, so scope filters are one indexed prefix match. */
  @Column({ name: 'region_path', type: 'text' })
  regionPath!: string;

  @Column({ name: 'above_size', type: 'boolean' })
  aboveSize!: boolean;

  @Column({ name: 'size_class', type: 'varchar', nullable: true })
  sizeClass!: SizeClass | null;

  @Column({ type: 'varchar', nullable: true })
  ownership!: OwnershipType | null;

  @Column({ type: 'varchar', nullable: true })
  industry!: string | null;

  /** The first day of its open closing (注销/吊销/迁出, issue 17), null while it is open; see `enterprise_closure`. */
  @Column({ name: 'closed_on', type: 'date', nullable: true })
  closedOn!: string | null;

  @Column({ name: 'closed_reason', type: 'varchar', nullable: true })
  closedReason!: ClosingReason | null;

  @VersionColumn()
  version!: number;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
