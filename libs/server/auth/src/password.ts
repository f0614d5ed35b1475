import * as argon2 from 'argon2';
import { dictionary } from '@zxcvbn-ts/language-common';
import type { ApiErrorDetail } from '@cqo/contracts';

/** argon2id with the library's defaults (m=64 MiB, t=3, p=4). */
export function hashPassword(plain: string): Promise<string> {
  return argon2.hash(plain, { type: argon2.argon2id });
}

export function verifyPassword(hash: string, plain: string): Promise<boolean> {
  return argon2.verify(hash, plain).catch(() => false);
}

/** A real hash of nothing, verified against when the user does not exist, so timing reveals nothing. */
let dummy: Promise<string> | null = null;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword('no such user');
  return dummy;
}

/** ASVS V2.1.1: at least 12 characters. */
export const PASSWORD_MIN_LENGTH = 12;
/** ASVS V2.1.2: at least 64 allowed (the login form takes 128). */
export const PASSWORD_MAX_LENGTH = 128;

/**
 * The common-password list (ASVS V2.1.7) of the kept package @zxcvbn-ts/language-common (about
 * 49,000 passwords from breaches), compared case-insensitively. Built on first use.
 */
let common: Set<string> | null = null;
function isCommon(password: string): boolean {
  common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  return common.has(password.toLowerCase());
}

/**
 * The password policy (issue 18 item 8, ASVS V2.1.1/V2.1.2/V2.1.7): 12 to 128 characters, not only
 * whitespace, not a common password, not the account name. Any characters are allowed (V2.1.4)
 * and nothing is trimmed or composed (V2.1.3/V2.1.9). Answers the field errors, none when it passes.
 */
export function passwordPolicyErrors(password: string, username: string, field = 'newPassword'): ApiErrorDetail[] {
  const err = (code: string, message: string): ApiErrorDetail[] => [{ field, code, message }];
  // Counted in code points, so a character outside the BMP counts once.
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return err('passwordTooShort', `密码至少${PASSWORD_MIN_LENGTH}个字符`);
  if (length > PASSWORD_MAX_LENGTH) return err('passwordTooLong', `密码最多${PASSWORD_MAX_LENGTH}个字符`);
  if (!password.trim()) return err('passwordBlank', '密码不能只由空白字符组成');
  if (password.trim().toLowerCase() === username.trim().toLowerCase()) return err('passwordIsUsername', '密码不能与用户名相同');
  if (isCommon(password) || isCommon(password.trim())) return err('passwordCommon', '该密码过于常见，容易被猜中，请换一个');
  return [];
}
