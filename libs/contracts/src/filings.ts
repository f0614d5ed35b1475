import type { Page } from './api';
import type { AccidentLevel, TrainingCategory } from './cqo';
import type { Role, RegionLevel } from './roles';
import type { FilingStatusSortKey, SortParam } from './lists';

/**
 * The yearly reporting cycle (SPEC §2, 004 三(二) and 三(三)): enterprise annual reports reviewed by
 * the city, city reports accepted by the province. Validation follows 联网直报: hard rules block,
 * soft rules pass with a written explanation (上报说明) that the reviewer sees.
 */

/** States a report is stored in. */
export const REPORT_STATUSES = ['draft', 'submitted', 'returned', 'accepted'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];
/** What the status view shows: a stored state, or that nothing has been started yet. */
export type ReportProgress = ReportStatus | 'not-started';

// ---------------------------------------------------------------- settings

/** Per-province dates for one reporting year. Defaults: Nov 1, Dec 15, Dec 31; 7 and 1 days before, weekly after. */
export interface FilingSettings {
  year: number;
  /** YYYY-MM-DD: enterprises may file from this day. */
  windowOpens: string;
  /** YYYY-MM-DD: an enterprise report submitted after this day is 迟报. */
  enterpriseDeadline: string;
  /** YYYY-MM-DD: a city report submitted after this day is 迟报. */
  cityDeadline: string;
  /** Remind this many days before the enterprise deadline (each ≥ 1). */
  reminderDaysBefore: number[];
  /** While overdue, remind every this many days (0 = never). */
  overdueEveryDays: number;
  /** True when nothing has been saved for the year and these are the defaults. */
  isDefault: boolean;
  updatedAt: string | null;
}

export type UpdateFilingSettingsRequest = Omit<FilingSettings, 'year' | 'isDefault' | 'updatedAt'>;

// ---------------------------------------------------------------- enterprise annual report

/** 任职绩效考核结果. */
export const APPRAISAL_RESULTS = ['优秀', '称职', '基本称职', '不称职'] as const;
export type AppraisalResult = (typeof APPRAISAL_RESULTS)[number];
/** 考核决定: keep or dismiss the CQO. */
export const APPRAISAL_DECISIONS = ['留任', '解聘'] as const;
export type AppraisalDecision = (typeof APPRAISAL_DECISIONS)[number];

/** What the enterprise enters. Null means "not answered yet" (allowed in a draft, never on submit). */
export interface AnnualReportData {
  /** 是否建立首席质量官任职绩效考核制度. */
  hasAppraisalSystem: boolean | null;
  appraisalResult: AppraisalResult | null;
  appraisalDecision: AppraisalDecision | null;
  /** 质量工作专项经费, 万元, ≥ 0, two decimals at most. */
  qualityFund: number | null;
  /** 质量安全事故 by level (counts ≥ 0). */
  accidents: Record<AccidentLevel, number>;
  /** 本年度获得的质量荣誉 (free text, empty when none). */
  honours: string;
  /** 首席质量官履职情况. */
  dutiesNarrative: string;
  /** 存在问题及下一年度工作计划. */
  problemsAndPlans: string;
}

export const SOFT_RULE_IDS = ['no-appraisal-system', 'zero-fund', 'training-short', 'accident-no-violation'] as const;
export type SoftRuleId = (typeof SOFT_RULE_IDS)[number];

/** A soft rule the report fails: it may still be submitted, with an explanation. */
export interface SoftRuleHit {
  id: SoftRuleId;
  message: string;
}

/** Read-only parts of the report, taken from the registry and the training ledger. */
export interface AnnualReportPrefill {
  /** The CQO in post at the end of the year (or today, if earlier). */
  cqo: { personId: string; name: string; positionTitle: string; appointedOn: string; termEnd: string | null } | null;
  /** Filings that took effect during the year (聘任、变更、解聘), oldest first. */
  changes: { appointmentId: string; kind: 'appoint' | 'change' | 'dismiss' | 'expire'; on: string; name: string; note: string | null }[];
  training: {
    hours: Record<TrainingCategory, number>;
    total: number;
    /** Whether the yearly rule applies to the CQO, and its result; null when there is no CQO. */
    compliance: { applicable: boolean; compliant: boolean; shortHours: number; shortActivities: number } | null;
  };
}

export interface ReportEvent {
  at: string;
  /** The display name of the account that took the step; null when none was recorded. */
  actorName: string | null;
  /**
   * Whom the step was taken for: the officer's region or the filer's enterprise; for a step with
   * no account, the unit its role acts for on this report. Null (with actorName) for the system.
   */
  actorUnit: string | null;
  actorRole: Role | null;
  fromStatus: ReportProgress;
  toStatus: ReportStatus;
  reason: string | null;
}

export interface AnnualReportDetail {
  /** Null until the first save. */
  id: string | null;
  enterpriseId: string;
  enterpriseName: string;
  regionCode: string;
  regionName: string;
  year: number;
  status: ReportProgress;
  /** Optimistic-lock version; send it back with every write. 0 before the first save. */
  version: number;
  data: AnnualReportData;
  prefill: AnnualReportPrefill;
  /** Soft rules the current data fails (recomputed on every read of a draft; frozen at submission). */
  softHits: SoftRuleHit[];
  /** 上报说明 given at submission. */
  explanation: string | null;
  late: boolean;
  submittedAt: string | null;
  returnReason: string | null;
  reviewedAt: string | null;
  reviewedByName: string | null;
  /** Why the report cannot be edited (null when the caller may edit it). */
  lockedReason: string | null;
  windowOpens: string;
  deadline: string;
  history: ReportEvent[];
}

export interface SaveAnnualReportRequest {
  data: AnnualReportData;
  /** The version last read (0 for a new report). */
  version: number;
}

export interface SubmitAnnualReportRequest extends SaveAnnualReportRequest {
  /** Required when a soft rule fails. */
  explanation?: string;
}

/** Accept (reason optional) or return (reason required). */
export interface ReviewRequest {
  version: number;
  reason?: string;
}

export interface BulkAcceptRequest {
  ids: string[];
}

export interface BulkAcceptResult {
  accepted: string[];
  skipped: { id: string; reason: string }[];
}

export interface ReviewQueueQuery {
  year?: number;
  regionCode?: string;
  /** Default `submitted` (the work); `all` for every status. */
  status?: ReportStatus | 'all';
  /** `true`: only reports with soft-rule hits; `false`: only clean ones. */
  softHits?: boolean;
  /** Part of the enterprise's name, or its 统一社会信用代码 (issue 20 item 7). */
  q?: string;
  page?: number;
  pageSize?: number;
}

export interface ReviewQueueItem {
  id: string;
  enterpriseId: string;
  enterpriseName: string;
  creditCode: string;
  regionCode: string;
  regionName: string;
  year: number;
  status: ReportStatus;
  version: number;
  late: boolean;
  submittedAt: string | null;
  softHits: SoftRuleHit[];
  explanation: string | null;
}

// ---------------------------------------------------------------- status view and 催报

export interface FilingCounts {
  /** Enterprises with an appointment active on the window opening (SPEC §7). */
  expected: number;
  notStarted: number;
  draft: number;
  submitted: number;
  returned: number;
  accepted: number;
  /** Submitted or accepted after the deadline. */
  late: number;
}

export interface FilingStatusRow extends FilingCounts {
  code: string;
  name: string;
  level: RegionLevel;
}

export interface FilingStatusEnterprise {
  enterpriseId: string;
  enterpriseName: string;
  creditCode: string;
  regionCode: string;
  regionName: string;
  expected: boolean;
  reportId: string | null;
  status: ReportProgress;
  late: boolean;
  submittedAt: string | null;
  lastRemindedAt: string | null;
}

export interface FilingStatusQuery {
  year?: number;
  regionCode?: string;
  status?: ReportProgress | 'late' | 'overdue';
  /** Issue 20 item 3: a whitelisted column of the enterprise list (`-` first: descending). */
  sort?: SortParam<FilingStatusSortKey>;
  page?: number;
  pageSize?: number;
}

export interface FilingStatusResponse {
  year: number;
  region: { code: string; name: string; level: RegionLevel };
  windowOpens: string;
  deadline: string;
  /** True when today is after the enterprise deadline. */
  pastDeadline: boolean;
  totals: FilingCounts;
  children: FilingStatusRow[];
  /** `notExpected`: listed rows not in 应报 (filed though not expected), so total = 应报 in the filter + notExpected. */
  enterprises: Page<FilingStatusEnterprise> & { notExpected: number };
}

export interface RemindRequest {
  year: number;
  /** Remind these enterprises; omitted: every expected enterprise in scope that has not submitted. */
  enterpriseIds?: string[];
}

export interface RemindResult {
  /** Notifications created. */
  sent: number;
  /** Enterprises already reminded today, or with nothing to chase. */
  skipped: number;
}

// ---------------------------------------------------------------- notifications

export const NOTIFICATION_KINDS = [
  'deadline-approaching',
  'overdue',
  'reminder',
  'report-submitted',
  'report-returned',
  'report-accepted',
  'city-report-submitted',
  'city-report-returned',
  'city-report-accepted',
  'term-ending',
  'certificate-suspended',
  'certificate-revoked',
  'certificate-expired',
  'training-shortfall',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface NotificationItem {
  id: string;
  kind: NotificationKind;
  title: string;
  body: string;
  /** A route in the dashboard, e.g. `/annual-report/2026`. */
  link: string | null;
  createdAt: string;
  readAt: string | null;
}

export interface NotificationList {
  items: NotificationItem[];
  total: number;
  unread: number;
}

// ---------------------------------------------------------------- city report

/** Figures of one region in the city report's frozen snapshot. */
export interface SnapshotFigures {
  code: string;
  name: string;
  enterprises: { total: number; aboveSize: number; sme: number; award: number };
  appointed: { total: number; aboveSize: number; sme: number; award: number };
  /** Fractions 0–1; null when the denominator is 0 (shown as "—"). */
  rates: { aboveSize: number | null; sme: number | null; award: number | null };
  eligible: { count: number; rate: number | null };
  filings: FilingCounts & { onTime: number; rate: number | null; onTimeRate: number | null };
  violations: { open: number; total: number };
}

export interface CityReportSnapshot {
  takenAt: string;
  asOf: string;
  year: number;
  total: SnapshotFigures;
  children: SnapshotFigures[];
}

export interface CityReportDetail {
  id: string | null;
  regionCode: string;
  regionName: string;
  year: number;
  status: ReportProgress;
  version: number;
  narrative: string;
  /** Frozen at submission; null before. */
  snapshot: CityReportSnapshot | null;
  /** Enterprise reports still awaiting review when the city submitted. */
  unreviewedAtSubmission: number | null;
  /** Enterprise reports awaiting review now. */
  unreviewedNow: number;
  late: boolean;
  submittedAt: string | null;
  returnReason: string | null;
  reviewedAt: string | null;
  reviewedByName: string | null;
  lockedReason: string | null;
  deadline: string;
  /**
   * Download of the 统计表 kept with the current submission (generated once by the worker from the
   * figures as of the submission; every download is the same file); null until it exists.
   */
  attachmentUrl: string | null;
  /** SHA-256 of that file (hex), to compare a download against. */
  attachmentSha256: string | null;
  /** The as-of date its figures were judged on. */
  attachmentAsOf: string | null;
  history: ReportEvent[];
}

export interface SaveCityReportRequest {
  narrative: string;
  version: number;
}

export interface CityReportListItem {
  id: string | null;
  regionCode: string;
  regionName: string;
  year: number;
  status: ReportProgress;
  version: number;
  late: boolean;
  submittedAt: string | null;
  unreviewedAtSubmission: number | null;
}
