import type { ShortfallSortKey, SortParam } from './lists';
import type { Page } from './api';
import type { TrainingCategory } from './cqo';

/**
 * The training hours ledger (SPEC §4, 001 §10): append-only records, each carrying the hash of its
 * canonical content and of the record before it. A correction is a reversal, never an edit.
 */

export const TRAINING_SOURCES = ['enterprise', 'provider'] as const;
export type TrainingSource = (typeof TRAINING_SOURCES)[number];

/** `entry` adds hours; `reversal` cancels one entry (its hours count as zero from then on). */
export const LEDGER_KINDS = ['entry', 'reversal'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** Hours may be given in steps of this much. */
export const TRAINING_HOUR_STEP = 0.5;
/** At most this many hours per calendar day of a course. */
export const TRAINING_MAX_HOURS_PER_DAY = 8;
/** The lengths of a training record's texts and of a reversal's reason (the DTO, libs/policy and the web dialogs share them). */
export const TRAINING_LIMITS = { text: 200, certificateNo: 64, reverseReason: 500 } as const;

export interface TrainingRecordItem {
  id: string;
  /** Position in the ledger's chain. */
  seq: number;
  kind: LedgerKind;
  personId: string;
  personName: string;
  enterpriseId: string | null;
  enterpriseName: string | null;
  category: TrainingCategory;
  course: string;
  provider: string;
  startDate: string;
  endDate: string;
  /** Negative on a reversal. */
  hours: number;
  certificateNo: string | null;
  source: TrainingSource;
  /** On a reversal: the entry it cancels. */
  reverses: string | null;
  /** On an entry: the reversal that cancelled it, if any. */
  reversedBy: string | null;
  /** On a reversal: why. */
  reason: string | null;
  recordedAt: string;
  recordedByName: string | null;
  /** SHA-256 (hex) of the record's canonical content and the previous record's hash. */
  hash: string;
}

export interface TrainingRecordQuery {
  enterpriseId?: string;
  personId?: string;
  /** Calendar year of the course's end date. */
  year?: number;
  page?: number;
  pageSize?: number;
}

export interface CreateTrainingRecordRequest {
  /** The enterprise whose active CQO took the training; an enterprise user may leave it out. */
  enterpriseId?: string;
  category: TrainingCategory;
  course: string;
  provider: string;
  startDate: string;
  endDate: string;
  hours: number;
  certificateNo?: string | null;
}

export interface ReverseTrainingRecordRequest {
  reason: string;
}

// ---------------------------------------------------------------------------------------------
// Yearly compliance (SPEC §3: yearly rules judge CQOs active on Dec 31 of Y appointed before Jan 1 of Y)

/** Hours of one person in one calendar year, by category, after reversals. */
export interface TrainingYearHours {
  initial: number;
  firstCategory: number;
  secondCategory: number;
  /** 组织培训活动 records (a count, not hours). */
  activities: number;
}

export type CompliancePartKey = 'firstCategory' | 'secondCategory' | 'total' | 'activities';

export interface CompliancePart {
  key: CompliancePartKey;
  /** e.g. `继续教育(第一类)`, `第二类`, `质量专业学习（第一类+第二类）`, `组织培训活动`. */
  label: string;
  required: number;
  actual: number;
  /** max(0, required − actual). */
  short: number;
  unit: '学时' | '次';
}

export interface YearlyCompliance {
  year: number;
  /** `name@version` of the profile judged under. */
  profile: string;
  /** Clause of the profile's annual-training rule; null when the profile has none. */
  clause: string | null;
  /** False when the profile has no yearly rule or the CQO was appointed during the year (or left before Dec 31). */
  applicable: boolean;
  /** Why not applicable, in Chinese; null when applicable. */
  reason: string | null;
  /** null when not applicable. */
  compliant: boolean | null;
  parts: CompliancePart[];
  /** Hours still missing, over the hour parts (0 when compliant or not applicable). */
  shortHours: number;
  /** Organised activities still missing. */
  shortActivities: number;
}

/** The enterprise's training page: its active CQO's year, with progress toward each threshold. */
export interface TrainingProgress {
  enterpriseId: string;
  enterpriseName: string;
  /** Null when the enterprise has no active CQO. */
  person: { id: string; name: string; appointedOn: string; termEnd: string | null } | null;
  year: number;
  hours: TrainingYearHours;
  compliance: YearlyCompliance | null;
  /** Initial training (任职培训) found in the ledger up to the appointment date. */
  initialTraining: { hours: number; required: number | null; certificateNo: string | null };
}

export interface ShortfallQuery {
  region?: string;
  year?: number;
  /** A column of SHORTFALL_SORT_KEYS, `-` first for descending (issue 20 item 3). */
  sort?: SortParam<ShortfallSortKey>;
  page?: number;
  pageSize?: number;
}

export interface ShortfallItem {
  enterpriseId: string;
  enterpriseName: string;
  regionCode: string;
  regionName: string;
  personId: string;
  personName: string;
  appointedOn: string;
  hours: TrainingYearHours;
  parts: CompliancePart[];
  shortHours: number;
  shortActivities: number;
}

export interface ShortfallPage extends Page<ShortfallItem> {
  year: number;
  profile: string;
  clause: string | null;
  /** Over the whole scope/region, not just this page. */
  summary: { applicable: number; compliant: number; short: number };
}

// ---------------------------------------------------------------------------------------------
// Hours certificate (学时证明, 001 附录C) and the public verification page

export type TrainingCertificateStatus = 'valid' | 'superseded';

export interface TrainingCertificate {
  /** Verification code, e.g. `TH-7K3M-9QXA-2F8D`; the public page is `/verify/<code>`. */
  code: string;
  personId: string;
  personName: string;
  enterpriseName: string | null;
  year: number;
  /** The period covered: Jan 1 – Dec 31 of the year (or up to the issue date for the current year). */
  periodFrom: string;
  periodTo: string;
  hours: TrainingYearHours;
  /** First + second category hours. */
  totalHours: number;
  issuingOffice: string;
  issuedAt: string;
  status: TrainingCertificateStatus;
  /** The ledger's head when issued: the certificate is anchored to it (存证). */
  ledgerSeq: number;
  ledgerHash: string;
}

export interface IssueTrainingCertificateRequest {
  personId: string;
  year: number;
}

/** What `/verify/<code>` may show: name, hours and validity, nothing else. */
export interface PublicTrainingVerification {
  type: 'training-hours';
  code: string;
  name: string;
  year: number;
  periodFrom: string;
  periodTo: string;
  hours: TrainingYearHours;
  totalHours: number;
  issuedAt: string;
  status: TrainingCertificateStatus;
}

// ---------------------------------------------------------------------------------------------
// Ledger verification

export interface LedgerVerification {
  ok: boolean;
  /** Records walked. */
  checked: number;
  headSeq: number | null;
  headHash: string | null;
  /** The first record whose stored hash or link does not match; null when the chain is whole. */
  firstBroken: { id: string; seq: number; reason: string } | null;
  durationMs: number;
}

// ---------------------------------------------------------------------------------------------
// Import (SPEC §8)

export const IMPORT_MODES = ['all-or-nothing', 'keep-valid'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

export interface ImportRowError {
  /** Sheet row number (1-based, as Excel shows it). */
  row: number;
  /** Column header, e.g. `学时`. */
  column: string;
  reason: string;
}

export interface ImportResult {
  id: string;
  kind: 'training' | 'roster';
  mode: ImportMode;
  fileName: string;
  /** Data rows read. */
  total: number;
  inserted: number;
  updated: number;
  /** Rows already in the ledger with the same content (a re-import). */
  unchanged: number;
  rejected: ImportRowError[];
  /** Number of distinct rows rejected. */
  rejectedRows: number;
  /** False when all-or-nothing met a bad row: nothing was written. */
  committed: boolean;
  /** Download of the uploaded sheet with the bad cells marked; null when nothing was rejected. */
  errorReportUrl: string | null;
}

/** The columns of the training import, in order (SPEC §8). */
export const TRAINING_IMPORT_COLUMNS = ['证书编号', '姓名', '统一社会信用代码', '培训类别', '课程名称', '培训机构', '开始日期', '结束日期', '学时'] as const;
