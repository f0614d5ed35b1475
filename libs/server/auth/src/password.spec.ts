import { passwordPolicyErrors } from './password';

/** Issue 18 item 8: the password policy, ASVS V2.1.1 (length), V2.1.7 (common passwords). */
describe('passwordPolicyErrors (ASVS V2.1)', () => {
  const codes = (password: string, username = 'zhang.san') => passwordPolicyErrors(password, username).map((e) => e.code);

  it('ASVS V2.1.1: refuses fewer than 12 characters, counting code points (10 spaces passed before)', () => {
    expect(codes(' '.repeat(10))).toEqual(['passwordTooShort']);
    expect(codes('abcdefghijk')).toEqual(['passwordTooShort']);
    expect(codes('质量官质量官质量官质量官')).toEqual([]);
    expect(codes('😀'.repeat(11))).toEqual(['passwordTooShort']); // 22 UTF-16 units, 11 characters
  });

  it('refuses only whitespace, whatever the length', () => {
    expect(codes(' '.repeat(12))).toEqual(['passwordBlank']);
    expect(codes('\t \u3000'.repeat(5))).toEqual(['passwordBlank']);
  });

  it('ASVS V2.1.7: refuses a common password from the kept list, in any case', () => {
    expect(codes('qwerty123456')).toEqual(['passwordCommon']);
    expect(codes('QWERTY123456')).toEqual(['passwordCommon']);
    expect(codes('1qaz2wsx3edc')).toEqual(['passwordCommon']);
  });

  it('refuses the account name, and answers a field error in Chinese', () => {
    expect(passwordPolicyErrors('Zhang.San.2026x', 'zhang.san.2026x')).toEqual([{ field: 'newPassword', code: 'passwordIsUsername', message: '密码不能与用户名相同' }]);
  });

  it('accepts a long passphrase with spaces and any characters (ASVS V2.1.4)', () => {
    expect(codes('湖北 质量 首席 官 2026')).toEqual([]);
    expect(codes('correct horse battery staple')).toEqual([]);
  });
});
