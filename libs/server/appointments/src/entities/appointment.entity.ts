import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type {
  AppointmentStatus,
  EducationLevel,
  FilingType,
  Gender,
  PositionLevel,
  QualificationLevel,
  QualificationType,
  Verdict,
  VerdictResult,
} from '@cqo/contracts';

const numeric = { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

/** One filing (聘任备案 or 变更): the person's data as filed, the term, and the stored verdict. */
@Entity('appointment')
export class AppointmentEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'enterprise_id', type: 'uuid' })
  enterpriseId!: string;

  @Column({ name: 'region_path', type: 'text' })
  regionPath!: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @Column({ name: 'previous_id', type: 'uuid', nullable: true })
  previousId!: string | null;

  @Column({ name: 'filing_type', type: 'varchar' })
  filingType!: FilingType;

  @Column({ type: 'varchar' })
  status!: AppointmentStatus;

  @Column({ type: 'varchar' })
  name!: string;

  @Column({ type: 'varchar' })
  gender!: Gender;

  @Column({ name: 'birth_month', type: 'varchar' })
  birthMonth!: string;

  @Column({ type: 'varchar' })
  phone!: string;

  @Column({ name: 'position_title', type: 'varchar' })
  positionTitle!: string;

  @Column({ name: 'position_level', type: 'varchar' })
  positionLevel!: PositionLevel;

  @Column({ name: 'concurrent_post', type: 'boolean' })
  concurrentPost!: boolean;

  @Column({ type: 'varchar' })
  education!: EducationLevel;

  @Column({ name: 'qualification_type', type: 'varchar' })
  qualificationType!: QualificationType;

  @Column({ name: 'qualification_level', type: 'varchar', nullable: true })
  qualificationLevel!: QualificationLevel | null;

  @Column({ name: 'quality_related', type: 'boolean' })
  qualityRelated!: boolean;

  @Column({ name: 'years_in_quality', type: 'smallint' })
  yearsInQuality!: number;

  @Column({ type: 'text', array: true })
  declarations!: string[];

  @Column({ name: 'appointed_on', type: 'date' })
  appointedOn!: string;

  @Column({ name: 'term_end', type: 'date', nullable: true })
  termEnd!: string | null;

  @Column({ name: 'effective_from', type: 'date' })
  effectiveFrom!: string;

  @Column({ name: 'ended_on', type: 'date', nullable: true })
  endedOn!: string | null;

  @Column({ name: 'end_reason', type: 'text', nullable: true })
  endReason!: string | null;

  @Column({ name: 'authorisation_cert_no', type: 'varchar', nullable: true })
  authorisationCertNo!: string | null;

  @Column({ name: 'initial_training_hours', type: 'numeric', nullable: true, transformer: numeric })
  initialTrainingHours!: number | null;

  @Column({ name: 'initial_training_cert_no', type: 'varchar', nullable: true })
  initialTrainingCertNo!: string | null;

  @Column({ name: 'initial_training_completed_on', type: 'date', nullable: true })
  initialTrainingCompletedOn!: string | null;

  @Column({ type: 'text', nullable: true })
  explanation!: string | null;

  @Column({ name: 'filed_at', type: 'timestamptz' })
  filedAt!: Date;

  @Column({ name: 'filed_by', type: 'uuid', nullable: true })
  filedBy!: string | null;

  @Column({ name: 'late_filing', type: 'boolean' })
  lateFiling!: boolean;

  @Column({ type: 'varchar', nullable: true })
  verdict!: Verdict | null;

  @Column({ name: 'verdict_detail', type: 'jsonb', nullable: true })
  verdictDetail!: VerdictResult | null;

  @Column({ name: 'verdict_profile', type: 'varchar', nullable: true })
  verdictProfile!: string | null;

  @Column({ name: 'evaluated_at', type: 'timestamptz', nullable: true })
  evaluatedAt!: Date | null;

  @Column({ type: 'boolean' })
  disqualified!: boolean;
}
