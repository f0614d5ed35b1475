/** A mainland mobile number (11 digits, 1 then 3–9): the CQO's and a subscriber's phone (SPEC §2; the column's CHECK). */
export const MOBILE_PHONE_PATTERN = /^1[3-9]\d{9}$/;

/** 138****1234: personal phone numbers are masked in lists and logs (SPEC §1). */
export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return phone ?? null;
  const digits = phone.replace(/\s+/g, '');
  if (digits.length < 7) return '*'.repeat(digits.length);
  return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
}

/** Replaces every run of 11 digits that looks like a mainland mobile number. */
export function maskPhonesInText(text: string): string {
  return text.replace(/(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)/g, '$1****$2');
}

/**
 * Whether a role reads personal data (CQO names, phone numbers, birth months) at all. The admin role
 * is system administration only — users, regions, jobs (SPEC §1) — so it gets them masked or not
 * at all (issue 18 item 8; 等保 2.0 L3 个人信息保护, ASVS V8.3).
 */
export function readsPersonalData(role: string): boolean {
  return role !== 'admin';
}

/** z***@example.com: e-mail addresses are masked in lists and logs like phone numbers (SPEC §1; issue 22). */
export function maskEmail(email: string | null | undefined): string | null {
  if (!email) return email ?? null;
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
