import type {
  ApiErrorDetail,
  CertificateStatus,
  CqoGrade,
  EvaluationStatus,
  GradeResultView,
  SchemeView,
  ScoreMap,
} from '@cqo/contracts';
import { gradeSheet, SCORING_SCHEMES, validateSheet, withBands } from '@cqo/policy';
import type { StatusTagType } from '@cqo/web-ui';

// Pure helpers of the capability-evaluation pages (free of Vue and i18n so they are unit-tested).

/** What a form holds per indicator: a number, or nothing typed yet (scores 0, as on the API). */
export type DraftScores = Record<string, number | null | undefined>;

/** The scores as the API takes them: untouched indicators left out (they score 0). */
export function compactScores(scores: DraftScores): ScoreMap {
  const result: ScoreMap = {};
  for (const [id, value] of Object.entries(scores)) {
    if (typeof value === 'number' && Number.isFinite(value)) result[id] = value;
  }
  return result;
}

export interface GradeContext {
  applied?: CqoGrade;
  experienceYears?: number;
  hasCertificate?: boolean;
}

/**
 * The grade a sheet would get, by the same policy function the API and `cqo grade` call, with the
 * bands in force (the scheme view carries the settings' bands). Null while the sheet has field
 * errors (e.g. a value above an indicator's maximum typed before the field clamps it).
 */
export function previewGrade(scheme: SchemeView, scores: DraftScores, context: GradeContext = {}): GradeResultView | null {
  const policyScheme = withBands(SCORING_SCHEMES[scheme.name], scheme.bands);
  const sheet = { scores: compactScores(scores), ...context };
  if (validateSheet(policyScheme, sheet).length > 0) return null;
  return gradeSheet(policyScheme, sheet);
}

/** Server field errors `scores.<indicator id>` (ids contain dots) → message per indicator id. */
export function scoreFieldErrors(details: readonly ApiErrorDetail[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const detail of details) {
    if (!detail.field.startsWith('scores.')) continue;
    const id = detail.field.slice('scores.'.length);
    result[id] ??= detail.message;
  }
  return result;
}

/** Tag colour of an application's state. */
export function applicationStatusTagType(status: EvaluationStatus): StatusTagType {
  switch (status) {
    case 'submitted':
      return 'primary';
    case 'returned':
      return 'danger';
    case 'accepted':
    case 'scoring':
      return 'warning';
    case 'reported':
    case 'certified':
      return 'success';
    case 'withdrawn':
      return 'info';
  }
}

/** Tag colour of a certificate's state: only `valid` is green. */
export function certificateStatusTagType(status: CertificateStatus): StatusTagType {
  switch (status) {
    case 'valid':
      return 'success';
    case 'suspended':
      return 'warning';
    case 'terminated':
    case 'revoked':
      return 'danger';
    case 'expired':
      return 'info';
  }
}

/** The absolute address a printed certificate's QR code carries. */
export function verifyUrl(origin: string, verifyPath: string): string {
  return `${origin.replace(/\/+$/, '')}${verifyPath.startsWith('/') ? '' : '/'}${verifyPath}`;
}
