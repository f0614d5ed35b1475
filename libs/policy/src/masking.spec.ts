import { maskPhone, maskPhonesInText } from './masking';

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
