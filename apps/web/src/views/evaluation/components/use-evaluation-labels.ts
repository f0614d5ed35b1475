import { useI18n } from 'vue-i18n';
import { CERTIFICATE_STATUSES, EVALUATION_STATUSES } from '@cqo/contracts';
import type { CertificateStatus, CqoGrade, EvaluationScheme, EvaluationStatus } from '@cqo/contracts';
import type { StatusTagOption } from '@cqo/web-ui';
import { applicationStatusTagType, certificateStatusTagType } from '@/utils/evaluation';

/** Words for the evaluation enums in the current language. */
export function useEvaluationLabels() {
  const { t } = useI18n();

  const status = (value: EvaluationStatus): string => t(`evaluation.status.${value}`);
  const certificateStatus = (value: CertificateStatus): string => t(`evaluation.certificateStatus.${value}`);
  const scheme = (value: EvaluationScheme): string => t(`evaluation.scheme.${value}`);
  /** A grade, or 无等级 when the sheet reaches none. */
  const grade = (value: CqoGrade | null | undefined): string => value ?? t('evaluation.noGrade');

  function statusOptions(): Partial<Record<EvaluationStatus, StatusTagOption>> {
    return Object.fromEntries(EVALUATION_STATUSES.map((s) => [s, { type: applicationStatusTagType(s), label: status(s) }]));
  }

  function certificateStatusOptions(): Partial<Record<CertificateStatus, StatusTagOption>> {
    return Object.fromEntries(CERTIFICATE_STATUSES.map((s) => [s, { type: certificateStatusTagType(s), label: certificateStatus(s) }]));
  }

  return { status, certificateStatus, scheme, grade, statusOptions, certificateStatusOptions };
}
