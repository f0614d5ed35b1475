import type { SortParam, ViolationSortKey } from './lists';
// Chief Quality Officer appointments (聘任备案), eligibility verdicts, violations and policy
// profiles: the shapes the API, the web app, the CLI and libs/policy share (SPEC §2, §3, §5).

/**
 * The lengths and ranges of an appointment filing's fields: the API's DTO refuses beyond them and
 * the filing form says so under the field first (one copy for both).
 */
export const APPOINTMENT_LIMITS = { name: 32, positionTitle: 32, certNo: 64, reason: 500, explanation: 1000, yearsInQuality: 60, hours: 500 } as const;

/** Enumerations use the Chinese terms of the import template (SPEC §8) as their values. */
export const GENDERS = ['男', '女'] as const;
export type Gender = (typeof GENDERS)[number];

/** 职务层级, lowest last. */
export const POSITION_LEVELS = ['决策层', '高层副职', '中层', '其他'] as const;
export type PositionLevel = (typeof POSITION_LEVELS)[number];

/** 学历, lowest first (SPEC §3: 高中及以下 < 中专 < 大专 < 本科 < 硕士 < 博士). */
export const EDUCATION_LEVELS = ['高中及以下', '中专', '大专', '大学本科', '硕士研究生', '博士研究生'] as const;
export type EducationLevel = (typeof EDUCATION_LEVELS)[number];

export const QUALIFICATION_TYPES = ['专业技术职称', '质量专业技术人员职业资格', '无'] as const;
export type QualificationType = (typeof QUALIFICATION_TYPES)[number];

/** 职称 / 职业资格级别, lowest first. A 质量专业技术人员职业资格 "高级" is recorded as 副高级. */
export const QUALIFICATION_LEVELS = ['初级', '中级', '副高级', '正高级'] as const;
export type QualificationLevel = (typeof QUALIFICATION_LEVELS)[number];

/** The lengths of a violation's texts (the DTOs refuse beyond them; the web dialogs say so first). */
export const VIOLATION_LIMITS = { sourceDocument: 200, description: 2000, note: 1000, voidReason: 1000 } as const;

/**
 * Violation types (SPEC §5). `损害合法权益` is not in SPEC's list but is a disqualification of
 * 001 5.1.5 c); the seed wins, so it is a type of its own.
 */
export const VIOLATION_TYPES = [
  '违法违规',
  '重大失误受处分',
  '刑事处分',
  '谋取不正当利益',
  '泄露商业秘密',
  '损害合法权益',
  '较大以上质量安全事故',
  '失信',
  '知情不报或虚假报告',
] as const;
export type ViolationType = (typeof VIOLATION_TYPES)[number];

/** Accident levels, lowest first. */
export const ACCIDENT_LEVELS = ['一般', '较大', '重大', '特别重大'] as const;
export type AccidentLevel = (typeof ACCIDENT_LEVELS)[number];

export const VIOLATION_STATUSES = ['open', 'rectified', 'closed'] as const;
export type ViolationStatus = (typeof VIOLATION_STATUSES)[number];

export const VIOLATION_SUBJECTS = ['enterprise', 'cqo', 'both'] as const;
export type ViolationSubject = (typeof VIOLATION_SUBJECTS)[number];

/**
 * `active`: in post. `superseded`: replaced by a change filing for the same person.
 * `replaced`: another person was appointed. `dismissed`: 解聘. `expired`: the term ended.
 */
export const APPOINTMENT_STATUSES = ['active', 'superseded', 'replaced', 'dismissed', 'expired'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

export const FILING_TYPES = ['appoint', 'change'] as const;
export type FilingType = (typeof FILING_TYPES)[number];

export const VERDICTS = ['eligible', 'attention', 'ineligible'] as const;
export type Verdict = (typeof VERDICTS)[number];

export type RuleSeverity = 'hard' | 'soft';

/** Training categories (SPEC §4, 004 三(二)). */
export const TRAINING_CATEGORIES = ['任职培训', '继续教育(第一类)', '第二类', '组织培训活动'] as const;
export type TrainingCategory = (typeof TRAINING_CATEGORIES)[number];

// ---------------------------------------------------------------------------------------------
// Policy profiles (rules as data)

interface RuleBase {
  /** Stable id, unique within a profile, e.g. `education`, `declaration.ethics`. */
  id: string;
  /** Seed clause, e.g. `004 二(二)`. */
  clause: string;
  /** The clause's words (or the part this rule checks), shown beside the verdict. */
  clauseText: string;
  /** Short Chinese name of the rule, e.g. 学历. */
  title: string;
  severity: RuleSeverity;
}

export type QualificationOption =
  /** 质量专业技术人员职业资格 at `minLevel` or above. */
  | { kind: 'quality-certificate'; minLevel: QualificationLevel }
  /**
   * 专业技术职称 at `minLevel` or above; `qualityRelated` demands a quality-related speciality;
   * `countQualityCertificate` lets a 质量专业技术人员职业资格 count as a 职称 of the same level.
   */
  | { kind: 'title'; minLevel: QualificationLevel; qualityRelated: boolean; countQualityCertificate: boolean }
  /** The filer declares equivalent quality-management experience (declaration `equivalent-experience`). */
  | { kind: 'equivalent-experience' };

export type RuleDefinition =
  | (RuleBase & { kind: 'education'; min: EducationLevel })
  | (RuleBase & { kind: 'qualification'; anyOf: QualificationOption[] })
  | (RuleBase & { kind: 'experience'; minYears: number })
  | (RuleBase & {
      kind: 'initial-training';
      /** `hours`: at least `minHours` of 任职培训 completed on or before the appointment date.
       *  `certificate`: a 任职培训证书编号 is recorded.
       *  `certificate-or-letter`: a 任职培训证书编号 or a 聘任授权证书编号 is recorded. */
      evidence: 'hours' | 'certificate' | 'certificate-or-letter';
      minHours: number | null;
    })
  | (RuleBase & {
      kind: 'annual-training';
      minFirstCategory: number | null;
      minSecondCategory: number | null;
      /** 第一类 + 第二类 together. */
      minTotal: number | null;
      /** Training activities organised (组织培训活动 records). */
      minActivities: number | null;
    })
  | (RuleBase & {
      kind: 'position';
      levels: PositionLevel[];
      /** `severity` applies to 规上 enterprises; this one to the others. */
      smeSeverity: RuleSeverity;
    })
  | (RuleBase & { kind: 'term'; years: number })
  | (RuleBase & { kind: 'declaration'; declaration: string; statement: string })
  | (RuleBase & { kind: 'disqualification'; violationTypes: ViolationType[]; minAccidentLevel: AccidentLevel | null });

export type RuleKind = RuleDefinition['kind'];

export interface PolicyProfile {
  /** e.g. `hubei-2021`. */
  name: string;
  version: number;
  title: string;
  /** The source document, e.g. `004 湖北省推进企业首席质量官制度的实施意见（征求意见稿）`. */
  source: string;
  /** GB/T 2260 province code the profile was written for, if any. */
  province: string | null;
  /** First day this version may be put in force (YYYY-MM-DD). */
  effectiveFrom: string;
  /** `name@version` this version was derived from; null for a built-in. */
  basedOn: string | null;
  builtIn: boolean;
  rules: RuleDefinition[];
}

export interface ProfileScheduleEntry {
  /** First day (YYYY-MM-DD) the profile is in force. */
  from: string;
  /** `name@version`. */
  profile: string;
  chosenBy: string | null;
  chosenAt: string | null;
}

export interface PolicyCatalogue {
  profiles: PolicyProfile[];
  schedule: ProfileScheduleEntry[];
  /** `name@version` in force today. */
  inForce: string;
}

export interface CreateProfileVersionRequest {
  /** `name@version` of the version to change. */
  basedOn: string;
  /** A new profile name; omitted = a new version of the same name. */
  name?: string;
  title?: string;
  effectiveFrom: string;
  rules: RuleDefinition[];
  /** Put the new version in force from `effectiveFrom` straight away. */
  adopt?: boolean;
}

export interface UseProfileRequest {
  profile: string;
  from: string;
}

// ---------------------------------------------------------------------------------------------
// Verdicts

export interface RuleResult {
  id: string;
  kind: RuleKind;
  title: string;
  clause: string;
  clauseText: string;
  expected: string;
  actual: string;
  /** False only when the rule applies and fails; a rule that does not apply passes. */
  pass: boolean;
  applicable: boolean;
  severity: RuleSeverity;
}

export interface VerdictResult {
  verdict: Verdict;
  /** `name@version`. */
  profile: string;
  asOf: string;
  /** A disqualification rule fails: the enterprise must replace its CQO (SPEC §5). */
  disqualified: boolean;
  rules: RuleResult[];
}

// ---------------------------------------------------------------------------------------------
// Appointments

/** The person's data as filed. */
export interface CqoPersonFields {
  name: string;
  gender: Gender;
  /** YYYY-MM. */
  birthMonth: string;
  /** 11-digit mobile number. Masked (138****1234) in lists. */
  phone: string;
  positionTitle: string;
  positionLevel: PositionLevel;
  concurrentPost: boolean;
  education: EducationLevel;
  qualificationType: QualificationType;
  /** Null when qualificationType is 无. */
  qualificationLevel: QualificationLevel | null;
  qualityRelated: boolean;
  /** Whole years in quality management at the appointment date. */
  yearsInQuality: number;
  /** Ids of the declarations (承诺) ticked. */
  declarations: string[];
}

export interface AppointmentFields {
  /** YYYY-MM-DD, not in the future. */
  appointedOn: string;
  /** YYYY-MM-DD; default appointedOn + the profile's term, less one day. */
  termEnd: string | null;
  authorisationCertNo: string | null;
  initialTrainingHours: number | null;
  initialTrainingCertNo: string | null;
  initialTrainingCompletedOn: string | null;
}

export interface FileAppointmentRequest extends CqoPersonFields, AppointmentFields {
  /** 上报说明 for soft-rule failures. */
  explanation?: string | null;
}

/** `update`: the same person's data changed. `replace`: a different person takes the post. */
export interface ChangeAppointmentRequest extends FileAppointmentRequest {
  changeKind: 'update' | 'replace';
  /** The day the change takes effect (YYYY-MM-DD). For `replace` it is also the new appointment date. */
  effectiveOn: string;
  reason: string;
}

export interface DismissAppointmentRequest {
  endedOn: string;
  reason: string;
}

export interface AppointmentSummary {
  id: string;
  enterpriseId: string;
  filingType: FilingType;
  status: AppointmentStatus;
  name: string;
  /** Masked. */
  phone: string;
  positionTitle: string;
  appointedOn: string;
  effectiveFrom: string;
  termEnd: string | null;
  endedOn: string | null;
  endReason: string | null;
  filedAt: string;
  filedBy: string | null;
  /** Filed more than 30 days after the appointment (SPEC §2). */
  lateFiling: boolean;
  verdict: Verdict | null;
}

export interface AppointmentDetail extends AppointmentSummary, CqoPersonFields, AppointmentFields {
  personId: string;
  previousId: string | null;
  explanation: string | null;
  verdictDetail: VerdictResult | null;
  evaluatedAt: string | null;
  /** Other enterprises where the same person (name + phone) is the active CQO. */
  duplicateOf: { enterpriseId: string; enterpriseName: string }[];
}

export interface EnterpriseAppointments {
  enterpriseId: string;
  enterpriseName: string;
  aboveSize: boolean;
  /** The profile in force today, so the form can show its declarations and term. */
  profile: PolicyProfile;
  current: AppointmentDetail | null;
  history: AppointmentSummary[];
}

/** The CQO columns of the enterprise list. */
export interface EnterpriseCqoCell {
  appointmentId: string;
  name: string;
  /** Masked. */
  phone: string;
  termEnd: string | null;
  verdict: Verdict | null;
  disqualified: boolean;
  duplicate: boolean;
}

/** Filters of the city / province lists (issue 3 §6). */
export const CQO_FILTERS = ['none', 'eligible', 'attention', 'ineligible', 'term-ending', 'disqualified', 'duplicate'] as const;
export type CqoFilter = (typeof CQO_FILTERS)[number];

// ---------------------------------------------------------------------------------------------
// Violations

export interface RecordViolationRequest {
  enterpriseId: string;
  subject: ViolationSubject;
  /** Required when the subject includes the CQO; default: the enterprise's active appointment. */
  appointmentId?: string | null;
  type: ViolationType;
  accidentLevel?: AccidentLevel | null;
  occurredOn: string;
  sourceDocument: string;
  description?: string | null;
}

export interface UpdateViolationStatusRequest {
  status: ViolationStatus;
  note: string;
  version: number;
}

export interface ViolationItem {
  id: string;
  enterpriseId: string;
  enterpriseName: string;
  regionCode: string;
  regionName: string;
  subject: ViolationSubject;
  personId: string | null;
  personName: string | null;
  type: ViolationType;
  accidentLevel: AccidentLevel | null;
  occurredOn: string;
  sourceDocument: string;
  description: string | null;
  status: ViolationStatus;
  statusNote: string | null;
  recordedByRole: string;
  recordedAt: string;
  version: number;
  /** Disqualifying under the profile in force today. */
  disqualifying: boolean;
}

/** 撤销 a violation recorded by mistake: by the recording level or above, with a reason (audited). */
export interface VoidViolationRequest {
  reason: string;
  /** The version the caller saw (optimistic check); optional. */
  version?: number;
}

/** A voided violation: out of every count and verdict, kept with who voided it, when and why. */
export interface VoidedViolationItem extends Omit<ViolationItem, 'disqualifying'> {
  voidedAt: string;
  voidedByRole: string;
  voidReason: string;
}

export interface ViolationListQuery {
  region?: string;
  enterpriseId?: string;
  status?: ViolationStatus;
  type?: ViolationType;
  /** A column of VIOLATION_SORT_KEYS, `-` first for descending (issue 20 item 3). */
  sort?: SortParam<ViolationSortKey>;
  page?: number;
  pageSize?: number;
}

// ---------------------------------------------------------------------------------------------
// What-if and the award prerequisite check

export interface WhatIfRequest {
  /** `name@version` of the candidate. */
  profile: string;
}

export interface WhatIfChange {
  appointmentId: string;
  enterpriseId: string;
  enterpriseName: string;
  regionCode: string;
  personName: string;
  from: Verdict;
  to: Verdict;
  /** Titles of the rules that fail under the candidate. */
  failing: string[];
}

export interface WhatIfCityRow {
  code: string;
  name: string;
  active: number;
  changed: number;
  toEligible: number;
  toAttention: number;
  toIneligible: number;
}

export interface WhatIfResponse {
  current: string;
  candidate: string;
  asOf: string;
  active: number;
  changed: number;
  cities: WhatIfCityRow[];
  /** At most 500, worst first (to ineligible, then attention). */
  changes: WhatIfChange[];
}

export interface AwardCheckItem {
  item: string;
  ok: boolean;
  detail: string;
}

export interface AwardCheckResponse {
  creditCode: string;
  enterpriseId: string;
  enterpriseName: string;
  regionName: string;
  asOf: string;
  /** 004 四(四): having the CQO system in place is a prerequisite for government quality awards. */
  qualified: boolean;
  clause: string;
  checks: AwardCheckItem[];
  verdict: VerdictResult | null;
}
