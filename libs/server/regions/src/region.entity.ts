import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TextColumn, VarcharColumn } from '@cqo/server-database';
import type { RegionLevel } from '@cqo/contracts';

@Entity('region')
export class RegionEntity {
  @PrimaryColumn({ type: 'varchar', length: 6 })
  code!: string;

  @VarcharColumn()
  name!: string;

  @Column({ type: 'smallint' })
  level!: RegionLevel;

  @VarcharColumn('parent_code', { nullable: true })
  parentCode!: string | null;

  /** `/420000/420100/420102/` — a subtree is one prefix match on an indexed column. */
  @TextColumn()
  path!: string;
}
