import { useI18n } from 'vue-i18n';
import type {
  AccidentLevel,
  AppointmentStatus,
  CqoFilter,
  EducationLevel,
  FilingType,
  Gender,
  PositionLevel,
  QualificationLevel,
  QualificationType,
  RuleKind,
  RuleSeverity,
  TrainingCategory,
  TrainingSource,
  Verdict,
  ViolationStatus,
  ViolationSubject,
  ViolationType,
} from '@cqo/contracts';
import type { StatusTagOption } from '@cqo/web-ui';

// The API's enumerations are Chinese words; each gets an i18n key here so English works too.
// Full Records: a value added to the contracts fails to compile until it has a label.
const GENDER_KEYS: Record<Gender, string> = { 男: 'male', 女: 'female' };
const POSITION_LEVEL_KEYS: Record<PositionLevel, string> = {
  决策层: 'decision',
  高层副职: 'seniorDeputy',
  中层: 'middle',
  其他: 'other',
};
const EDUCATION_KEYS: Record<EducationLevel, string> = {
  高中及以下: 'highSchool',
  中专: 'secondary',
  大专: 'college',
  大学本科: 'bachelor',
  硕士研究生: 'master',
  博士研究生: 'doctor',
};
const QUALIFICATION_TYPE_KEYS: Record<QualificationType, string> = {
  专业技术职称: 'title',
  质量专业技术人员职业资格: 'qualityCertificate',
  无: 'none',
};
const QUALIFICATION_LEVEL_KEYS: Record<QualificationLevel, string> = {
  初级: 'junior',
  中级: 'intermediate',
  副高级: 'associateSenior',
  正高级: 'senior',
};
const VIOLATION_TYPE_KEYS: Record<ViolationType, string> = {
  违法违规: 'illegal',
  重大失误受处分: 'majorMistake',
  刑事处分: 'criminal',
  谋取不正当利益: 'improperGain',
  泄露商业秘密: 'secrets',
  损害合法权益: 'harm',
  较大以上质量安全事故: 'accident',
  失信: 'dishonesty',
  知情不报或虚假报告: 'falseReport',
};
const ACCIDENT_LEVEL_KEYS: Record<AccidentLevel, string> = {
  一般: 'ordinary',
  较大: 'larger',
  重大: 'major',
  特别重大: 'especiallyMajor',
};
const CQO_FILTER_KEYS: Record<CqoFilter, string> = {
  none: 'none',
  eligible: 'eligible',
  attention: 'attention',
  ineligible: 'ineligible',
  'term-ending': 'termEnding',
  disqualified: 'disqualified',
  duplicate: 'duplicate',
};
const RULE_KIND_KEYS: Record<RuleKind, string> = {
  education: 'education',
  qualification: 'qualification',
  experience: 'experience',
  'initial-training': 'initialTraining',
  'annual-training': 'annualTraining',
  position: 'position',
  term: 'term',
  declaration: 'declaration',
  disqualification: 'disqualification',
};

const TRAINING_CATEGORY_KEYS: Record<TrainingCategory, string> = {
  任职培训: 'initial',
  '继续教育(第一类)': 'first',
  第二类: 'second',
  组织培训活动: 'activity',
};

/** Tag colours of a verdict: eligible green, attention orange, ineligible red. */
export const VERDICT_TAG_TYPES: Record<Verdict, StatusTagOption['type']> = {
  eligible: 'success',
  attention: 'warning',
  ineligible: 'danger',
};

export function useCqoLabels() {
  const { t } = useI18n();
  /** A value the map does not know (an older API, a typo in data) is shown as is. */
  const label = <V extends string>(prefix: string, keys: Record<V, string>, value: V | null | undefined): string => {
    if (value === null || value === undefined || value === '') return t('common.notSet');
    return value in keys ? t(`${prefix}.${keys[value]}`) : value;
  };

  return {
    gender: (value: Gender | null | undefined) => label('enums.gender', GENDER_KEYS, value),
    positionLevel: (value: PositionLevel | null | undefined) => label('enums.positionLevel', POSITION_LEVEL_KEYS, value),
    education: (value: EducationLevel | null | undefined) => label('enums.education', EDUCATION_KEYS, value),
    qualificationType: (value: QualificationType | null | undefined) =>
      label('enums.qualificationType', QUALIFICATION_TYPE_KEYS, value),
    qualificationLevel: (value: QualificationLevel | null | undefined) =>
      label('enums.qualificationLevel', QUALIFICATION_LEVEL_KEYS, value),
    violationType: (value: ViolationType | null | undefined) => label('enums.violationType', VIOLATION_TYPE_KEYS, value),
    accidentLevel: (value: AccidentLevel | null | undefined) => label('enums.accidentLevel', ACCIDENT_LEVEL_KEYS, value),
    cqoFilter: (value: CqoFilter) => label('enums.cqoFilter', CQO_FILTER_KEYS, value),
    ruleKind: (value: RuleKind) => label('enums.ruleKind', RULE_KIND_KEYS, value),
    trainingCategory: (value: TrainingCategory) => label('training.category', TRAINING_CATEGORY_KEYS, value),
    trainingSource: (value: TrainingSource) => t(`training.source.${value}`),
    verdict: (value: Verdict) => t(`enums.verdict.${value}`),
    severity: (value: RuleSeverity) => t(`enums.severity.${value}`),
    violationStatus: (value: ViolationStatus) => t(`enums.violationStatus.${value}`),
    violationSubject: (value: ViolationSubject) => t(`enums.violationSubject.${value}`),
    appointmentStatus: (value: AppointmentStatus) => t(`enums.appointmentStatus.${value}`),
    filingType: (value: FilingType) => t(`enums.filingType.${value}`),
    yesNo: (value: boolean) => (value ? t('common.yes') : t('common.no')),
    /** Options for the status tag of a verdict. */
    verdictOptions: (): Record<Verdict, StatusTagOption> => ({
      eligible: { type: VERDICT_TAG_TYPES.eligible, label: t('enums.verdict.eligible') },
      attention: { type: VERDICT_TAG_TYPES.attention, label: t('enums.verdict.attention') },
      ineligible: { type: VERDICT_TAG_TYPES.ineligible, label: t('enums.verdict.ineligible') },
    }),
  };
}
