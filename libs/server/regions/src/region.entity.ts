import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RegionLevel } from '@cqo/contracts';

@Entity('region')
export class RegionEntity {
  @PrimaryColumn({ type: 'varchar', length: 6 })
  code!: string;

  @Column({ type: 'varchar' })
  name!: string;

  @Column({ type: 'smallint' })
  level!: RegionLevel;

  @Column({ name: 'parent_code', type: 'varchar', nullable: true })
  parentCode!: string | null;

  /** `/420000/420100/420102/` — a subtree is one prefix match on an indexed column. */
  @Column({ type: 'text' })
  path!: string;
}
