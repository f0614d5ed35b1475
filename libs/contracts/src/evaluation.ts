import type { Page } from './api';
import type { ViolationType } from './cqo';

// Capability evaluation (能力评价 / 等级认定), certificates, talent pool and yearly review
// (SPEC §6; seed 000 §7 and 附录B; seed 001 §5.2, §9, §11, 附录A/B). Routes: docs/evaluation.md.

export const EVALUATION_SCHEMES = ['zhejiang', 'hunan'] as const;
export type EvaluationScheme = (typeof EVALUATION_SCHEMES)[number];

/** Lowest first. */
export const CQO_GRADES = ['AAA', 'AAAA', 'AAAAA'] as const;
export type CqoGrade = (typeof CQO_GRADES)[number];

// ---------------------------------------------------------------------------------------------
// Schemes and grading (the same shapes as libs/policy/src/grading)
// ---------------------------------------------------------------------------------------------

export interface SchemeIndicatorView {
  /** Clause id, the key in `scores`: '6.1.1.1', '6.5.1.2a', '8.4.1'. */
  id: string;
  title: string;
  max: number;
  /** e.g. '000 附录B 6.1.1.1' */
  clause: string;
}

export interface SchemeDimensionView {
  /** First-level id, e.g. '6.1' / '8.1'; the key in `GradeResultView.dimensions`. */
  id: string;
  title: string;
  max: number;
  /** Grade minimum for the dimension (hunan), null if none. The form warns below it. */
  min: number | null;
  indicators: SchemeIndicatorView[];
}

export interface GradeBandView {
  grade: CqoGrade;
  minTotal: number;
  /** Exclusive; null for the top band. */
  maxTotal: number | null;
}

/** GET /evaluation/schemes → one per scheme, with the bands in force (settings). */
export interface SchemeView {
  name: EvaluationScheme;
  title: string;
  clause: string;
  total: number;
  passTotal: number;
  bands: GradeBandView[];
  dimensions: SchemeDimensionView[];
}

/** The sheet of SPEC §9 `grade`: indicator clause id → points; an indicator left out scores 0. */
export type ScoreMap = Record<string, number>;

/** SPEC §9: `{total, dimensions{…}, grade, reasons[]}` — what the CLI prints and the report holds. */
export interface GradeResultView {
  total: number;
  dimensions: Record<string, number>;
  grade: CqoGrade | null;
  /** Chinese, shown as is. */
  reasons: string[];
}

/** POST /evaluation/grade-preview: running totals for a form (never stored). */
export interface GradePreviewRequest {
  scheme: EvaluationScheme;
  scores: ScoreMap;
  applied?: CqoGrade;
  experienceYears?: number;
  hasCertificate?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Applications
// ---------------------------------------------------------------------------------------------

/**
 * submitted ─accept→ accepted ─panel→ scoring ─report→ reported ─certificate→ certified
 *     │  ↑                                                   (grade null: stays reported, no certificate)
 *  return resubmit
 *     ↓  │
 *   returned            submitted|returned ─withdraw→ withdrawn
 */
export const EVALUATION_STATUSES = ['submitted', 'returned', 'accepted', 'scoring', 'reported', 'certified', 'withdrawn'] as const;
export type EvaluationStatus = (typeof EVALUATION_STATUSES)[number];
export const EVALUATION_STATUS_NAMES: Record<EvaluationStatus, string> = {
  submitted: '已提交待受理',
  returned: '退回补正',
  accepted: '已受理',
  scoring: '评分中',
  reported: '已出具认定报告',
  certified: '已发证',
  withdrawn: '已撤回',
};

/** POST /evaluation/applications (enterprise, for its current CQO) and …/:id/resubmit. */
export interface EvaluationApplicationRequest {
  scheme: EvaluationScheme;
  appliedGrade: CqoGrade;
  /** Whole years of relevant (quality) work experience, 001 5.2. */
  experienceYears: number;
  /** Holds a CQO (training/appointment) certificate, needed for AAA (001 5.2.1). */
  hasCertificate: boolean;
  /** Self-assessment per indicator (申请报告 自评), never above an indicator's maximum. */
  selfAssessment: ScoreMap;
  /** 申请报告 narrative (optional). */
  statement?: string | null;
  /** 所在组织的推荐意见 (required). */
  recommendation: string;
}

export interface ResubmitEvaluationRequest extends EvaluationApplicationRequest {
  /** Optimistic lock: the application's `version` as read. */
  version: number;
}

export interface AcceptEvaluationRequest {
  note?: string | null;
}
export interface ReturnEvaluationRequest {
  /** 补充完善意见: what to complete or correct. */
  reasons: string;
}

/** The evaluator's panel (评价组 / 认定专家组). The leader scores too; members are other evaluators of the body. */
export interface AppointPanelRequest {
  leaderId: string;
  /** At least one, leader not included. */
  memberIds: string[];
}

export interface ScoreSheetRequest {
  scores: ScoreMap;
  /** 评分意见 (optional). */
  comment?: string | null;
}

export interface InterviewRequest {
  /** YYYY-MM-DD */
  date: string;
  notes: string;
}
export type SiteVisitRequest = InterviewRequest;

/** The leader's consolidated sheet: the result (001 9.3.3). */
export interface ConsolidateRequest extends ScoreSheetRequest {
  /** 认定报告 结论/意见 text (optional). */
  conclusion?: string | null;
}

export interface EvaluationPanelMember {
  userId: string;
  displayName: string;
  leader: boolean;
  /** When this member's sheet was submitted; null while pending. */
  scoredAt: string | null;
}

export interface EvaluationSheetView {
  userId: string;
  displayName: string;
  leader: boolean;
  scores: ScoreMap;
  comment: string | null;
  result: GradeResultView;
  submittedAt: string;
}

export interface EvidenceFileView {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
  uploadedAt: string;
}

export interface EvaluationEventView {
  at: string;
  actorName: string | null;
  actorRole: string | null;
  /** e.g. 'apply', 'return', 'resubmit', 'accept', 'panel', 'sheet', 'interview', 'site_visit', 'report', 'certificate', 'withdraw' */
  action: string;
  fromStatus: EvaluationStatus | null;
  toStatus: EvaluationStatus | null;
  note: string | null;
}

/** Continuing education taken into account at re-evaluation (000 7.7.2): one row per completed year since the certificate. */
export interface ContinuingEducationYear {
  year: number;
  /** Applicable under the yearly rule (see TrainingYear compliance). */
  applicable: boolean;
  compliant: boolean | null;
  totalHours: number;
  activities: number;
  shortHours: number;
  shortActivities: number;
  note: string | null;
}

export interface EvaluationReportView extends GradeResultView {
  scheme: EvaluationScheme;
  appliedGrade: CqoGrade;
  scores: ScoreMap;
  conclusion: string | null;
  leaderName: string | null;
  reportedAt: string;
}

export interface EvaluationApplicationListItem {
  id: string;
  status: EvaluationStatus;
  scheme: EvaluationScheme;
  appliedGrade: CqoGrade;
  personId: string;
  personName: string;
  enterpriseId: string;
  enterpriseName: string;
  regionCode: string;
  regionName: string;
  /** A holder of a valid certificate applying again before expiry (再认定). */
  reevaluation: boolean;
  /** Set once reported. */
  grade: CqoGrade | null;
  total: number | null;
  submittedAt: string;
  updatedAt: string;
  version: number;
}

export interface EvaluationApplicationDetail extends EvaluationApplicationListItem {
  experienceYears: number;
  hasCertificate: boolean;
  selfAssessment: ScoreMap;
  /** Self-assessment graded by the same function (what the applicant claims). */
  selfAssessmentResult: GradeResultView;
  statement: string | null;
  recommendation: string;
  /** The latest 退回补正 reasons, while returned (and kept for history after). */
  returnReasons: string | null;
  evidence: EvidenceFileView[];
  panel: EvaluationPanelMember[];
  /** Members' sheets: evaluators of the body only; [] for others. */
  sheets: EvaluationSheetView[];
  interview: { date: string; notes: string } | null;
  siteVisit: { date: string; notes: string } | null;
  report: EvaluationReportView | null;
  /** Re-evaluation only: the holder's continuing education since the previous certificate. */
  continuingEducation: ContinuingEducationYear[] | null;
  previousCertificateNumber: string | null;
  certificateId: string | null;
  certificateNumber: string | null;
  events: EvaluationEventView[];
  /** What the caller may do next (drives buttons). */
  actions: EvaluationAction[];
}

export type EvaluationAction =
  | 'resubmit'
  | 'withdraw'
  | 'uploadEvidence'
  | 'accept'
  | 'return'
  | 'appointPanel'
  | 'score'
  | 'interview'
  | 'siteVisit'
  | 'consolidate'
  | 'issueCertificate';

export interface EvaluationApplicationQuery {
  status?: EvaluationStatus;
  scheme?: EvaluationScheme;
  /** Only those where the caller is on the panel (evaluator). */
  mine?: boolean;
  page?: number;
  pageSize?: number;
}
export type EvaluationApplicationPage = Page<EvaluationApplicationListItem>;

/** GET /evaluation/evaluators: the body's evaluators, for the panel picker. */
export interface EvaluatorOption {
  id: string;
  username: string;
  displayName: string;
}

// ---------------------------------------------------------------------------------------------
// Certificates
// ---------------------------------------------------------------------------------------------

export const CERTIFICATE_STATUSES = ['valid', 'suspended', 'terminated', 'revoked', 'expired'] as const;
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];
export const CERTIFICATE_STATUS_NAMES: Record<CertificateStatus, string> = {
  valid: '有效',
  suspended: '暂停',
  terminated: '中止',
  revoked: '作废',
  expired: '已过期',
};

export interface CertificateEventView {
  at: string;
  fromStatus: CertificateStatus | null;
  toStatus: CertificateStatus;
  reason: string;
  actorName: string | null;
  /** The violation that triggered an automatic change. */
  violationId: string | null;
}

export const YEARLY_REVIEW_RATINGS = ['优秀', '合格', '基本合格', '不合格'] as const;
export type YearlyReviewRating = (typeof YEARLY_REVIEW_RATINGS)[number];

/** 001 §11: the body's yearly review of each holder's performance. */
export interface YearlyReviewView {
  id: string;
  year: number;
  rating: YearlyReviewRating;
  summary: string;
  reviewerName: string | null;
  reviewedAt: string;
}
export interface YearlyReviewRequest {
  year: number;
  rating: YearlyReviewRating;
  summary: string;
}

export interface CertificateListItem {
  id: string;
  /** CQO-<body region>-<year>-<6-digit seq>, e.g. CQO-420000-2026-000123 */
  number: string;
  holderName: string;
  personId: string;
  organisationName: string;
  enterpriseId: string;
  regionCode: string;
  regionName: string;
  /** The 市州 the enterprise is in (for the talent pool / distribution). */
  cityCode: string;
  cityName: string;
  scheme: EvaluationScheme;
  score: number;
  grade: CqoGrade;
  issuingBody: string;
  issuedOn: string;
  validUntil: string;
  status: CertificateStatus;
  statusChangedOn: string;
  /** Flagged for review (continuing-education shortfall); see `reviewReason`. */
  reviewFlag: boolean;
  reviewReason: string | null;
  inTalentPool: boolean;
}

export interface CertificateDetail extends CertificateListItem {
  applicationId: string;
  dimensions: Record<string, number>;
  statusReason: string | null;
  /** Path of the public verification page (the QR code target), e.g. '/verify/cqo/CQO-420000-2026-000001'. */
  verifyPath: string;
  history: CertificateEventView[];
  reviews: YearlyReviewView[];
  /** Phone of the holder: whole here (detail page), audited read. */
  holderPhone: string | null;
  /** 001 §11: a violation calls for revocation; the certificate is suspended until an officer confirms or dismisses it. */
  revocationPending: { violationId: string; reason: string } | null;
}

export interface CertificateQuery {
  status?: CertificateStatus;
  grade?: CqoGrade;
  /** Region subtree (within the caller's scope). */
  region?: string;
  reviewFlag?: boolean;
  /** Number or holder name fragment. */
  q?: string;
  page?: number;
  pageSize?: number;
}
export type CertificatePage = Page<CertificateListItem>;

/** Manual change by the evaluator (the automatic ones come from violations and the nightly job). */
export const MANUAL_CERTIFICATE_STATUSES = ['valid', 'suspended', 'terminated', 'revoked'] as const;
export type ManualCertificateStatus = (typeof MANUAL_CERTIFICATE_STATUSES)[number];
export interface CertificateStatusRequest {
  status: ManualCertificateStatus;
  reason: string;
}
export interface ClearReviewFlagRequest {
  note: string;
}

/** An officer's decision on a revocation pending from a violation (001 §11 必要时有权…声明证书作废). */
export interface RevocationDecisionRequest {
  reason: string;
}

/** GET /public/evaluation-certificates/:number — login-free; personal data masked. */
export interface PublicCertificateVerification {
  type: 'cqo-capability';
  number: string;
  /** Masked: 张*三 / 李* */
  holderName: string;
  organisationName: string;
  grade: CqoGrade;
  issuingBody: string;
  issuedOn: string;
  validUntil: string;
  status: CertificateStatus;
  statusName: string;
  statusChangedOn: string;
}

/**
 * Violation type → automatic certificate effect (001 §11; SPEC §5). Applies to violations whose
 * subject is the CQO (`cqo` or `both`); only ever escalates (valid → suspended → terminated → revoked).
 * `较大以上质量安全事故` depends on the level: see `violationCertificateEffect` in libs/policy.
 */
export type ViolationCertificateEffect = 'suspended' | 'terminated' | 'revoked';
export type ViolationEffectTable = Record<ViolationType, ViolationCertificateEffect>;

// ---------------------------------------------------------------------------------------------
// Talent pool and distribution
// ---------------------------------------------------------------------------------------------

export interface TalentPoolItem {
  id: string;
  personId: string;
  holderName: string;
  certificateId: string;
  certificateNumber: string;
  grade: CqoGrade;
  certificateStatus: CertificateStatus;
  organisationName: string;
  cityCode: string;
  cityName: string;
  note: string | null;
  addedAt: string;
  addedByName: string | null;
}
export interface TalentPoolQuery {
  grade?: CqoGrade;
  region?: string;
  page?: number;
  pageSize?: number;
}
export type TalentPoolPage = Page<TalentPoolItem>;
export interface AddTalentRequest {
  certificateId: string;
  note?: string | null;
}
export interface RemoveTalentRequest {
  reason: string;
}

/** GET /evaluation/distribution: valid certificates by 市州 and grade (province dashboard card). */
export interface GradeDistributionRow {
  regionCode: string;
  regionName: string;
  AAA: number;
  AAAA: number;
  AAAAA: number;
  total: number;
}
export interface GradeDistribution {
  /** The region whose children are the rows (the province, or the caller's 市州). */
  regionCode: string;
  asOf: string;
  rows: GradeDistributionRow[];
  totals: GradeDistributionRow;
  /** Talent-pool members among them. */
  talentPool: number;
}

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

export interface EvaluationSettings {
  /** Certificate validity in years (000 7.5.2 f), default 3. */
  validityYears: number;
  /** 认定主体 name printed on certificates. */
  issuingBody: string;
  /** Zhejiang grade bands (000 附录D absent: default the hunan bands). */
  zhejiangBands: GradeBandView[];
}
export type UpdateEvaluationSettingsRequest = Partial<EvaluationSettings>;
