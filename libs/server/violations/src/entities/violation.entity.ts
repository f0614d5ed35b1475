import { Column, Entity, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';
import type { AccidentLevel, ViolationStatus, ViolationSubject, ViolationType } from '@cqo/contracts';

/** A violation recorded by a city or the province against an enterprise and/or its CQO (SPEC §5). */
@Entity('violation')
export class ViolationEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'enterprise_id', type: 'uuid' })
  enterpriseId!: string;

  @Column({ name: 'region_path', type: 'text' })
  regionPath!: string;

  @Column({ type: 'varchar' })
  subject!: ViolationSubject;

  @Column({ name: 'person_id', type: 'uuid', nullable: true })
  personId!: string | null;

  @Column({ name: 'appointment_id', type: 'uuid', nullable: true })
  appointmentId!: string | null;

  @Column({ type: 'varchar' })
  type!: ViolationType;

  @Column({ name: 'accident_level', type: 'varchar', nullable: true })
  accidentLevel!: AccidentLevel | null;

  @Column({ name: 'occurred_on', type: 'date' })
  occurredOn!: string;

  @Column({ name: 'source_document', type: 'varchar' })
  sourceDocument!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'varchar' })
  status!: ViolationStatus;

  @Column({ name: 'status_note', type: 'text', nullable: true })
  statusNote!: string | null;

  @Column({ name: 'recorded_by', type: 'uuid', nullable: true })
  recordedBy!: string | null;

  @Column({ name: 'recorded_role', type: 'varchar' })
  recordedRole!: string;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn()
  version!: number;
}
