import { Entity, VersionColumn } from 'typeorm';
import { BooleanColumn, DateColumn, IdColumn, NowColumn, TextColumn, VarcharColumn } from '@cqo/server-database';
import type { ClosingReason, OwnershipType, SizeClass } from '@cqo/contracts';

@Entity('enterprise')
export class EnterpriseEntity {
  @IdColumn()
  id!: string;

  @VarcharColumn('credit_code')
  creditCode!: string;

  @VarcharColumn()
  name!: string;

  @VarcharColumn('region_code')
  regionCode!: string;

  /** Copy of the region's path, so scope filters are one indexed prefix match. */
  @TextColumn('region_path')
  regionPath!: string;

  @BooleanColumn('above_size')
  aboveSize!: boolean;

  @VarcharColumn('size_class', { nullable: true })
  sizeClass!: SizeClass | null;

  @VarcharColumn({ nullable: true })
  ownership!: OwnershipType | null;

  @VarcharColumn({ nullable: true })
  industry!: string | null;

  /** The first day of its open closing (注销/吊销/迁出, issue 17), null while it is open; see `enterprise_closure`. */
  @DateColumn('closed_on', { nullable: true })
  closedOn!: string | null;

  @VarcharColumn('closed_reason', { nullable: true })
  closedReason!: ClosingReason | null;

  @VersionColumn()
  version!: number;

  @NowColumn('created_at')
  createdAt!: Date;

  @NowColumn('updated_at')
  updatedAt!: Date;
}
