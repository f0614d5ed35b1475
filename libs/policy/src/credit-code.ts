/**
 * 统一社会信用代码 (GB 32100-2015). 18 characters:
 *   1 登记管理部门码 · 2 机构类别码 · 3–8 登记管理机关行政区划码 · 9–17 主体标识码 (GB 11714 组织机构代码,
 *   whose 9th character is its own check) · 18 校验码.
 * The code alphabet excludes I, O, S, V and Z.
 */
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** The code's shape alone (18 characters of the alphabet), for a form's check before the request; `validateCreditCode` checks the rest. */
export const CREDIT_CODE_PATTERN = new RegExp(`^[${CREDIT_CODE_ALPHABET}]{18}$`);
const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

export interface CreditCodeError {
  /** 1-based character position the error is about (0 = the whole code). */
  position: number;
  message: string;
}

export interface CreditCodeCheck {
  valid: boolean;
  errors: CreditCodeError[];
}

function value(ch: string): number {
  return CREDIT_CODE_ALPHABET.indexOf(ch);
}

/** The 18th character for the first 17. Throws on a character outside the alphabet. */
export function computeCreditCodeCheckChar(first17: string): string {
  if (first17.length !== 17) throw new Error('computeCreditCodeCheckChar needs 17 characters');
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = value(first17[i]);
    if (v < 0) throw new Error(`invalid character at position ${i + 1}`);
    sum += v * CREDIT_CODE_WEIGHTS[i];
  }
  const c = 31 - (sum % 31);
  return CREDIT_CODE_ALPHABET[c === 31 ? 0 : c];
}

/** GB 11714 organisation-code check character for its first 8 characters (digits and A–Z). */
export function computeOrgCodeCheckChar(first8: string): string {
  if (first8.length !== 8) throw new Error('computeOrgCodeCheckChar needs 8 characters');
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const ch = first8[i];
    const v = /[0-9]/.test(ch) ? Number(ch) : ch.charCodeAt(0) - 55; // A=10 … Z=35
    sum += v * ORG_CODE_WEIGHTS[i];
  }
  const c = 11 - (sum % 11);
  return c === 11 ? '0' : c === 10 ? 'X' : String(c);
}

/**
 * Validates a credit code and says which character is wrong, in Chinese, so the form can show it
 * under the field. Lower-case input is not accepted: the code is printed in upper case.
 */
export function validateCreditCode(input: string): CreditCodeCheck {
  const code = input ?? '';
  const errors: CreditCodeError[] = [];
  if (code.length !== 18) {
    return { valid: false, errors: [{ position: 0, message: `统一社会信用代码应为18位，当前为${code.length}位` }] };
  }
  for (let i = 0; i < 18; i++) {
    if (value(code[i]) < 0) {
      errors.push({ position: i + 1, message: `第${i + 1}位字符“${code[i]}”不是有效字符（不使用I、O、S、V、Z及小写字母）` });
    }
  }
  if (errors.length) return { valid: false, errors };
  if (!/^[0-9]{6}$/.test(code.slice(2, 8))) {
    errors.push({ position: 3, message: '第3至8位应为6位数字的行政区划代码' });
  }
  const expected = computeCreditCodeCheckChar(code.slice(0, 17));
  if (expected !== code[17]) {
    errors.push({ position: 18, message: `第18位校验码错误：应为“${expected}”，实际为“${code[17]}”` });
  }
  return { valid: errors.length === 0, errors };
}

/** The 6-digit region code a credit code was registered in (positions 3–8). */
export function creditCodeRegion(code: string): string {
  return code.slice(2, 8);
}
