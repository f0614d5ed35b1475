import type {
  AppointmentDetail,
  ChangeAppointmentRequest,
  EducationLevel,
  FileAppointmentRequest,
  Gender,
  PositionLevel,
  QualificationLevel,
  QualificationType,
  Verdict,
} from '@cqo/contracts';
import { APPOINTMENT_LIMITS } from '@cqo/contracts';
import { APPOINTMENT_AGE_MAX, APPOINTMENT_AGE_MIN, MOBILE_PHONE_PATTERN, checkPlausibility, checkTerm, isIsoDate, termEndFor, type TermRule } from '@cqo/policy';

// The filing form's state and its checks, as pure functions: the same checks drive the form's
// messages and decide when the form is complete enough for a live preview. They mirror the API's
// validation so that a filer sees a problem before submitting.

export const NAME_MAX = APPOINTMENT_LIMITS.name;
export const POSITION_TITLE_MAX = APPOINTMENT_LIMITS.positionTitle;
export const CERT_NO_MAX = APPOINTMENT_LIMITS.certNo;
export const REASON_MAX = APPOINTMENT_LIMITS.reason;
export const EXPLANATION_MAX = APPOINTMENT_LIMITS.explanation;
export const YEARS_MAX = APPOINTMENT_LIMITS.yearsInQuality;
export const HOURS_MAX = APPOINTMENT_LIMITS.hours;
const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

export type ChangeKind = ChangeAppointmentRequest['changeKind'];

export interface FilingForm {
  name: string;
  gender: Gender | '';
  birthMonth: string;
  phone: string;
  positionTitle: string;
  positionLevel: PositionLevel | '';
  concurrentPost: boolean;
  education: EducationLevel | '';
  qualificationType: QualificationType | '';
  qualificationLevel: QualificationLevel | '';
  qualityRelated: boolean;
  yearsInQuality: number | null;
  appointedOn: string;
  termEnd: string;
  authorisationCertNo: string;
  initialTrainingHours: number | null;
  initialTrainingCertNo: string;
  initialTrainingCompletedOn: string;
  declarations: string[];
  explanation: string;
  changeKind: ChangeKind;
  effectiveOn: string;
  reason: string;
}

export type FilingField = keyof FilingForm;

/** Every property of the requests, for placing the API's field errors. */
export const FILING_FIELDS: readonly FilingField[] = [
  'name',
  'gender',
  'birthMonth',
  'phone',
  'positionTitle',
  'positionLevel',
  'concurrentPost',
  'education',
  'qualificationType',
  'qualificationLevel',
  'qualityRelated',
  'yearsInQuality',
  'appointedOn',
  'termEnd',
  'authorisationCertNo',
  'initialTrainingHours',
  'initialTrainingCertNo',
  'initialTrainingCompletedOn',
  'declarations',
  'explanation',
  'changeKind',
  'effectiveOn',
  'reason',
];

/** The fields of the filing itself rather than of the person (the term, the change, the texts). */
const FILING_ONLY = ['appointedOn', 'termEnd', 'explanation', 'changeKind', 'effectiveOn', 'reason'] as const satisfies readonly FilingField[];
type PersonField = Exclude<FilingField, (typeof FILING_ONLY)[number]>;

/** The fields a change of the same person keeps; a replacement starts them blank. */
const PERSON_FIELDS = FILING_FIELDS.filter((field): field is PersonField => !(FILING_ONLY as readonly FilingField[]).includes(field));

export function emptyForm(day: string): FilingForm {
  return {
    name: '',
    gender: '',
    birthMonth: '',
    phone: '',
    positionTitle: '',
    positionLevel: '',
    concurrentPost: false,
    education: '',
    qualificationType: '',
    qualificationLevel: '',
    qualityRelated: false,
    yearsInQuality: null,
    appointedOn: day,
    termEnd: '',
    authorisationCertNo: '',
    initialTrainingHours: null,
    initialTrainingCertNo: '',
    initialTrainingCompletedOn: '',
    declarations: [],
    explanation: '',
    changeKind: 'update',
    effectiveOn: day,
    reason: '',
  };
}

/** The form of a change to `current`: its data, ready to edit. */
export function formFrom(current: AppointmentDetail, day: string): FilingForm {
  return {
    ...emptyForm(day),
    ...personOf(current),
    appointedOn: current.appointedOn,
    termEnd: current.termEnd ?? '',
    explanation: current.explanation ?? '',
  };
}

export function personOf(current: AppointmentDetail): Pick<FilingForm, PersonField> {
  return {
    name: current.name,
    gender: current.gender,
    birthMonth: current.birthMonth,
    phone: current.phone,
    positionTitle: current.positionTitle,
    positionLevel: current.positionLevel,
    concurrentPost: current.concurrentPost,
    education: current.education,
    qualificationType: current.qualificationType,
    qualificationLevel: current.qualificationLevel ?? '',
    qualityRelated: current.qualityRelated,
    yearsInQuality: current.yearsInQuality,
    authorisationCertNo: current.authorisationCertNo ?? '',
    initialTrainingHours: current.initialTrainingHours,
    initialTrainingCertNo: current.initialTrainingCertNo ?? '',
    initialTrainingCompletedOn: current.initialTrainingCompletedOn ?? '',
    declarations: [...current.declarations],
  };
}

export function blankPerson(): Pick<FilingForm, PersonField> {
  const blank = emptyForm('');
  return Object.fromEntries(PERSON_FIELDS.map((field) => [field, blank[field]])) as Pick<
    FilingForm,
    PersonField
  >;
}

export interface FilingContext {
  mode: 'appoint' | 'change';
  today: string;
  /** The appointment being changed: a change takes effect on or after it started. */
  currentEffectiveFrom: string | null;
  /** The verdict of the live preview: 'attention' asks for a 上报说明. */
  previewVerdict: Verdict | null;
  /** The profile's term rule (hubei-2021: 5 years, 004 三(一)): the usual term, which a filed term may exceed (with a soft hit). */
  term: Pick<TermRule, 'years' | 'clause'> | null;
  /** A change of the same person keeps the name (another name is a replacement). */
  currentName: string | null;
}

/** An i18n key under `filing.error` and its parameters. */
export interface FieldProblem {
  key: string;
  params?: Record<string, string | number>;
}

const problem = (key: string, params?: FieldProblem['params']): FieldProblem => ({ key, params });

/** The usual term end under the profile for an appointment on `appointedOn` (libs/policy's termEndFor, as the API's default). */
export function usualTermEnd(appointedOn: string, term: FilingContext['term']): string | null {
  return term !== null && isIsoDate(appointedOn) ? termEndFor(appointedOn, term.years) : null;
}

/**
 * The soft hit of a term longer than the usual one, worded by libs/policy's checkTerm (the API's
 * and the roster import's check): 004 三(一) 任期一般为5年 accepts it, the form only says so.
 */
export function termNote(form: FilingForm, context: Pick<FilingContext, 'mode' | 'term'>): string | null {
  const appointedOn = appointmentDate(form, context);
  if (!isIsoDate(appointedOn) || !isIsoDate(form.termEnd)) return null;
  return checkTerm(context.term, appointedOn, form.termEnd).longerThanUsual?.message ?? null;
}

/** The appointment date the request will carry: a replacement is appointed on the day it takes effect. */
export function appointmentDate(form: FilingForm, context: Pick<FilingContext, 'mode'>): string {
  return context.mode === 'change' && form.changeKind === 'replace' ? form.effectiveOn : form.appointedOn;
}

function optionalText(value: string, max: number): FieldProblem | null {
  return value.trim().length > max ? problem('tooLong', { max }) : null;
}

export function checkField(field: FilingField, form: FilingForm, context: FilingContext): FieldProblem | null {
  const appointedOn = appointmentDate(form, context);
  switch (field) {
    case 'name':
      if (!form.name.trim()) return problem('nameRequired');
      if (context.mode === 'change' && form.changeKind === 'update' && context.currentName && form.name.trim() !== context.currentName) {
        return problem('nameChanged');
      }
      return optionalText(form.name, NAME_MAX);
    case 'gender':
      return form.gender ? null : problem('genderRequired');
    case 'birthMonth':
      if (!form.birthMonth) return problem('birthMonthRequired');
      if (!MONTH_PATTERN.test(form.birthMonth)) return problem('birthMonthFormat');
      if (form.birthMonth > context.today.slice(0, 7)) return problem('birthMonthFuture');
      // libs/policy's checkPlausibility (a), the API's and the roster import's rule.
      if (isIsoDate(appointedOn) && checkPlausibility(form.birthMonth, appointedOn, null).some((p) => p.code === 'age')) {
        return problem('ageRange', { min: APPOINTMENT_AGE_MIN, max: APPOINTMENT_AGE_MAX });
      }
      return null;
    case 'phone':
      if (!form.phone.trim()) return problem('phoneRequired');
      return MOBILE_PHONE_PATTERN.test(form.phone.trim()) ? null : problem('phoneFormat');
    case 'positionTitle':
      if (!form.positionTitle.trim()) return problem('positionTitleRequired');
      return optionalText(form.positionTitle, POSITION_TITLE_MAX);
    case 'positionLevel':
      return form.positionLevel ? null : problem('positionLevelRequired');
    case 'education':
      return form.education ? null : problem('educationRequired');
    case 'qualificationType':
      return form.qualificationType ? null : problem('qualificationTypeRequired');
    case 'qualificationLevel':
      if (form.qualificationType === '无' || form.qualificationType === '') return null;
      return form.qualificationLevel ? null : problem('qualificationLevelRequired');
    case 'yearsInQuality': {
      const years = form.yearsInQuality;
      if (years === null || years === undefined) return problem('yearsRequired');
      if (!Number.isInteger(years) || years < 0 || years > YEARS_MAX) return problem('yearsRange', { max: YEARS_MAX });
      // libs/policy's checkPlausibility (b); an implausible age is the 出生年月 field's problem.
      if (MONTH_PATTERN.test(form.birthMonth) && isIsoDate(appointedOn) && checkPlausibility(form.birthMonth, appointedOn, years).some((p) => p.code === 'tooMany')) {
        return problem('yearsTooMany');
      }
      return null;
    }
    case 'appointedOn':
      if (!appointedOn) return problem('appointedOnRequired');
      if (!isIsoDate(appointedOn)) return problem('dateFormat');
      return appointedOn > context.today ? problem('appointedOnFuture') : null;
    case 'termEnd': {
      if (!form.termEnd) return null;
      if (!isIsoDate(form.termEnd)) return problem('dateFormat');
      // A longer term than the usual one is no error (004 三(一) 任期一般为5年): see termNote.
      return isIsoDate(appointedOn) && checkTerm(context.term, appointedOn, form.termEnd).beforeStart ? problem('termEndBeforeAppointed') : null;
    }
    case 'authorisationCertNo':
      return optionalText(form.authorisationCertNo, CERT_NO_MAX);
    case 'initialTrainingHours': {
      const hours = form.initialTrainingHours;
      if (hours === null || hours === undefined) return null;
      if (hours > HOURS_MAX) return problem('hoursMax', { max: HOURS_MAX });
      return hours >= 0 && Number.isInteger(hours * 2) ? null : problem('hoursStep');
    }
    case 'initialTrainingCertNo':
      return optionalText(form.initialTrainingCertNo, CERT_NO_MAX);
    case 'initialTrainingCompletedOn':
      if (!form.initialTrainingCompletedOn) return null;
      if (!isIsoDate(form.initialTrainingCompletedOn)) return problem('dateFormat');
      return form.initialTrainingCompletedOn > context.today ? problem('trainingCompletedFuture') : null;
    case 'explanation':
      if (context.previewVerdict === 'attention' && !form.explanation.trim()) return problem('explanationRequired');
      return optionalText(form.explanation, EXPLANATION_MAX);
    case 'changeKind':
      return context.mode === 'change' && !form.changeKind ? problem('changeKindRequired') : null;
    case 'effectiveOn':
      if (context.mode !== 'change') return null;
      if (!form.effectiveOn) return problem('effectiveOnRequired');
      if (!isIsoDate(form.effectiveOn)) return problem('dateFormat');
      if (form.effectiveOn > context.today) return problem('effectiveOnFuture');
      return context.currentEffectiveFrom && form.effectiveOn < context.currentEffectiveFrom
        ? problem('effectiveOnBeforeCurrent', { date: context.currentEffectiveFrom })
        : null;
    case 'reason':
      if (context.mode !== 'change') return null;
      if (!form.reason.trim()) return problem('reasonRequired');
      return optionalText(form.reason, REASON_MAX);
    case 'concurrentPost':
    case 'qualityRelated':
    case 'declarations':
      return null;
    default: {
      const unhandled: never = field;
      throw new Error(`unchecked field ${String(unhandled)}`);
    }
  }
}

/** Everything the verdict depends on is filled in and valid (the 上报说明 and change reason are not needed for a preview). */
export function readyForPreview(form: FilingForm, context: FilingContext): boolean {
  return FILING_FIELDS.filter((field) => field !== 'explanation' && field !== 'reason').every(
    (field) => checkField(field, form, context) === null,
  );
}

export function toFileRequest(form: FilingForm, context: Pick<FilingContext, 'mode'>): FileAppointmentRequest {
  const trimmedOrNull = (value: string) => value.trim() || null;
  const qualificationType = form.qualificationType as QualificationType;
  return {
    name: form.name.trim(),
    gender: form.gender as Gender,
    birthMonth: form.birthMonth,
    phone: form.phone.trim(),
    positionTitle: form.positionTitle.trim(),
    positionLevel: form.positionLevel as PositionLevel,
    concurrentPost: form.concurrentPost,
    education: form.education as EducationLevel,
    qualificationType,
    qualificationLevel: qualificationType === '无' ? null : (form.qualificationLevel as QualificationLevel),
    qualityRelated: form.qualityRelated,
    yearsInQuality: form.yearsInQuality ?? 0,
    declarations: [...form.declarations],
    appointedOn: appointmentDate(form, context),
    termEnd: form.termEnd || null,
    authorisationCertNo: trimmedOrNull(form.authorisationCertNo),
    initialTrainingHours: form.initialTrainingHours,
    initialTrainingCertNo: trimmedOrNull(form.initialTrainingCertNo),
    initialTrainingCompletedOn: form.initialTrainingCompletedOn || null,
    explanation: trimmedOrNull(form.explanation),
  };
}

export function toChangeRequest(form: FilingForm): ChangeAppointmentRequest {
  return {
    ...toFileRequest(form, { mode: 'change' }),
    changeKind: form.changeKind,
    effectiveOn: form.effectiveOn,
    reason: form.reason.trim(),
  };
}
