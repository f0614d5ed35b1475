import { MOBILE_PHONE_PATTERN, maskPhone, maskPhonesInText } from './masking';

describe('phone masking', () => {
  it('masks the middle four digits of a mobile number', () => {
    expect(maskPhone('13812341234')).toBe('138****1234');
  });
  it('masks numbers inside free text but leaves other digits', () => {
    expect(maskPhonesInText('call 13912345678 or 027-1234')).toBe('call 139****5678 or 027-1234');
  });
  it('keeps empty values empty', () => {
    expect(maskPhone(null)).toBeNull();
  });
});

describe('a mainland mobile number (the filing form, the roster, the DTO and the subscriber all check this one)', () => {
  it('is 11 digits starting 13–19', () => {
    expect(['13800001234', '19912345678'].map((p) => MOBILE_PHONE_PATTERN.test(p))).toEqual([true, true]);
    expect(['12800001234', '1380000123', '138000012345', '1380000123a', '02787654321'].map((p) => MOBILE_PHONE_PATTERN.test(p))).toEqual([false, false, false, false, false]);
  });
});
