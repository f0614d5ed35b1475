import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Enterprise counts for a region and everything below it, rebuilt by the stats job. */
@Entity('region_stat')
export class RegionStatEntity {
  @PrimaryColumn({ name: 'region_code', type: 'varchar' })
  regionCode!: string;

  @Column({ type: 'int' })
  enterprises!: number;

  @Column({ name: 'above_size', type: 'int' })
  aboveSize!: number;

  @Column({ type: 'int' })
  sme!: number;

  @Column({ type: 'int' })
  award!: number;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
