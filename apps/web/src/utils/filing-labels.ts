import { useI18n } from 'vue-i18n';
import { REPORT_STATUSES } from '@cqo/contracts';
import type { AppraisalDecision, AppraisalResult, ReportProgress } from '@cqo/contracts';
import type { StatusTagOption } from '@cqo/web-ui';
import { reportStatusTagType } from './filings';

// Labels of the reporting cycle's enumerations (Chinese words in the API) for both locales.
const APPRAISAL_RESULT_KEYS: Record<AppraisalResult, string> = {
  优秀: 'excellent',
  称职: 'competent',
  基本称职: 'basicallyCompetent',
  不称职: 'incompetent',
};
const APPRAISAL_DECISION_KEYS: Record<AppraisalDecision, string> = { 留任: 'retain', 解聘: 'dismiss' };

export const REPORT_PROGRESSES: readonly ReportProgress[] = ['not-started', ...REPORT_STATUSES];

export function useFilingLabels() {
  const { t } = useI18n();
  const status = (value: ReportProgress): string => t(`filings.status.${value}`);
  return {
    status,
    statusOptions: (): Record<ReportProgress, StatusTagOption> =>
      Object.fromEntries(REPORT_PROGRESSES.map((value) => [value, { type: reportStatusTagType(value), label: status(value) }])) as Record<
        ReportProgress,
        StatusTagOption
      >,
    appraisalResult: (value: AppraisalResult | null): string =>
      value === null ? t('filings.annual.form.notAnswered') : value in APPRAISAL_RESULT_KEYS ? t(`filings.enums.appraisalResult.${APPRAISAL_RESULT_KEYS[value]}`) : value,
    appraisalDecision: (value: AppraisalDecision | null): string =>
      value === null
        ? t('filings.annual.form.notAnswered')
        : value in APPRAISAL_DECISION_KEYS
          ? t(`filings.enums.appraisalDecision.${APPRAISAL_DECISION_KEYS[value]}`)
          : value,
  };
}
