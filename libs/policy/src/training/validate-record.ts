import { TRAINING_CATEGORIES, TRAINING_HOUR_STEP, TRAINING_LIMITS, TRAINING_MAX_HOURS_PER_DAY, type ApiErrorDetail, type TrainingCategory } from '@cqo/contracts';
import { daysBetween, isIsoDate } from '../eligibility/dates';

// Field-level checks of one training record (SPEC §4), shared by the form, the API and the
// provider import. Messages are in Chinese, as the user sees them.

export interface TrainingRecordInput {
  category?: unknown;
  course?: unknown;
  provider?: unknown;
  startDate?: unknown;
  endDate?: unknown;
  hours?: unknown;
  certificateNo?: unknown;
}

/** Letters (including Chinese), digits, `-`, `_`, `/` and inner spaces. */
const CERTIFICATE_NO = /^[\p{L}\p{N}\-_/ ]+$/u;
const NUMERIC = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

const isBlank = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
const charCount = (s: string): number => Array.from(s).length;

export function isTrainingCategory(value: unknown): value is TrainingCategory {
  return typeof value === 'string' && (TRAINING_CATEGORIES as readonly string[]).includes(value);
}

/** Trims and upper-cases a certificate number, '' -> null. A number (a spreadsheet cell) becomes its digits. */
export function normaliseCertificateNo(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return null;
  const s = value.trim().toUpperCase();
  return s === '' ? null : s;
}

/**
 * Hours as a number: a finite number, or a numeric string such as `7.5` (providers' sheets).
 * `undefined` when missing or blank, NaN when present but not a number.
 */
export function parseTrainingHours(value: unknown): number | undefined {
  if (isBlank(value)) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? value : NaN;
  if (typeof value === 'string' && NUMERIC.test(value.trim())) return Number(value.trim());
  return NaN;
}

/** Field-level validation of one training record, messages in Chinese; [] when valid. today = YYYY-MM-DD (China date). */
export function validateTrainingRecord(input: TrainingRecordInput, today: string): ApiErrorDetail[] {
  const errors: ApiErrorDetail[] = [];
  const err = (field: string, code: string, message: string) => errors.push({ field, code, message });

  if (isBlank(input.category)) err('category', 'required', '请选择培训类别');
  else if (!isTrainingCategory(input.category)) err('category', 'format', `培训类别应为：${TRAINING_CATEGORIES.join('、')}`);

  const text = (field: 'course' | 'provider', name: string) => {
    const v = input[field];
    if (isBlank(v)) err(field, 'required', `请填写${name}`);
    else if (typeof v !== 'string') err(field, 'format', `${name}应为文本`);
    else if (charCount(v.trim()) > TRAINING_LIMITS.text) err(field, 'length', `${name}不能超过 ${TRAINING_LIMITS.text} 个字符`);
  };
  text('course', '课程名称');
  text('provider', '培训机构');

  /** The date when it is a valid YYYY-MM-DD (even if in the future, already reported), else null. */
  const date = (field: 'startDate' | 'endDate', name: string): string | null => {
    const v = input[field];
    if (isBlank(v)) {
      err(field, 'required', `请填写${name}`);
      return null;
    }
    if (!isIsoDate(v)) {
      err(field, 'format', `${name}应为 YYYY-MM-DD 格式的有效日期`);
      return null;
    }
    if (v > today) err(field, 'future', `${name}不能晚于今天`);
    return v;
  };
  const start = date('startDate', '开始日期');
  const end = date('endDate', '结束日期');
  /** Days of the course, start and end included; null unless both dates are valid and in order. */
  let days: number | null = null;
  if (start !== null && end !== null) {
    if (end < start) err('endDate', 'order', '结束日期不能早于开始日期');
    else days = daysBetween(start, end) + 1;
  }

  const hours = parseTrainingHours(input.hours);
  if (hours === undefined) err('hours', 'required', '请填写学时');
  else if (Number.isNaN(hours)) err('hours', 'format', '学时应为数字');
  else if (hours <= 0) err('hours', 'positive', '学时应大于 0');
  else if (!Number.isInteger(hours / TRAINING_HOUR_STEP)) err('hours', 'step', `学时应以 ${TRAINING_HOUR_STEP} 为单位`);
  else if (days !== null && hours > days * TRAINING_MAX_HOURS_PER_DAY) {
    const max = days * TRAINING_MAX_HOURS_PER_DAY;
    err('hours', 'perDay', `学时不能超过每天 ${TRAINING_MAX_HOURS_PER_DAY} 学时（该课程 ${days} 天，最多 ${max} 学时）`);
  }

  const certificateNo = input.certificateNo;
  if (!isBlank(certificateNo)) {
    const cert = normaliseCertificateNo(certificateNo);
    if (cert === null) err('certificateNo', 'format', '证书编号应为文本');
    else if (charCount(cert) > TRAINING_LIMITS.certificateNo) err('certificateNo', 'length', `证书编号不能超过 ${TRAINING_LIMITS.certificateNo} 个字符`);
    else if (!CERTIFICATE_NO.test(cert)) err('certificateNo', 'format', '证书编号只能包含文字、字母、数字、“-”、“_”、“/”和空格');
  }

  return errors;
}
