import { CREDIT_CODE_PATTERN, computeCreditCodeCheckChar, computeOrgCodeCheckChar, validateCreditCode } from './credit-code';

describe('GB 32100-2015 credit code', () => {
  // Published codes of real organisations (printed on their licences).
  it.each(['91110000802100433B', '91310000775785552L'])('accepts %s', (code) => {
    expect(validateCreditCode(code)).toEqual({ valid: true, errors: [] });
  });

  it('names the wrong check character and what it should be', () => {
    const r = validateCreditCode('91110000802100433C');
    expect(r.valid).toBe(false);
    expect(r.errors).toEqual([{ position: 18, message: '第18位校验码错误：应为“B”，实际为“C”' }]);
  });

  it('names a character outside the alphabet by position', () => {
    const r = validateCreditCode('91110000802I00433B');
    expect(r.errors[0].position).toBe(12);
    expect(r.errors[0].message).toContain('第12位');
  });

  it('refuses a wrong length', () => {
    expect(validateCreditCode('9111000080210043').errors[0].message).toContain('18位');
  });

  it('computes the check character for the first 17', () => {
    expect(computeCreditCodeCheckChar('91110000802100433')).toBe('B');
  });

  it('computes the GB 11714 organisation-code check', () => {
    expect(computeOrgCodeCheckChar('80210043')).toBe('3');
  });
});

describe('GB 32100-2015 credit code shape (the forms check it before the request)', () => {
  it('takes 18 characters of the code alphabet and refuses I, O, S, V, Z, lower case and other lengths', () => {
    expect(CREDIT_CODE_PATTERN.test('91420100MA4KXXXX0A')).toBe(true);
    for (const bad of ['91420100MA4KXXXX0I', '91420100MA4KXXXX0O', '91420100MA4KXXXX0S', '91420100MA4KXXXX0V', '91420100MA4KXXXX0Z', '91420100ma4kxxxx0a', '91420100MA4KXXXX0', '91420100MA4KXXXX0AB']) {
      expect(CREDIT_CODE_PATTERN.test(bad)).toBe(false);
    }
  });
});
