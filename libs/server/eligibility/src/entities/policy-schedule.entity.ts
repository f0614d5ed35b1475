import { Column, Entity, PrimaryColumn } from 'typeorm';

/** From `fromDate` on, `profileName@profileVersion` is in force (until the next entry). */
@Entity('policy_schedule')
export class PolicyScheduleEntity {
  @PrimaryColumn({ name: 'from_date', type: 'date' })
  fromDate!: string;

  @Column({ name: 'profile_name', type: 'varchar' })
  profileName!: string;

  @Column({ name: 'profile_version', type: 'integer' })
  profileVersion!: number;

  @Column({ name: 'chosen_by', type: 'uuid', nullable: true })
  chosenBy!: string | null;

  @Column({ name: 'chosen_at', type: 'timestamptz' })
  chosenAt!: Date;
}
