import { isoOrNull, pickCamel, pickSnake } from './rows';

describe('pickCamel', () => {
  const row = { id: 'a1', enterprise_id: 'e1', position_title: '质量总监', id_number: '420102199001011234', is_2nd_try: true };

  it('copies the columns named under their camelCase names', () => {
    expect(pickCamel(row, ['id', 'enterprise_id', 'position_title', 'is_2nd_try'])).toEqual({
      id: 'a1',
      enterpriseId: 'e1',
      positionTitle: '质量总监',
      is2ndTry: true,
    });
  });

  it('leaves out every column not named (no personal data by accident)', () => {
    expect(Object.keys(pickCamel(row, ['id']))).toEqual(['id']);
  });
});

describe('pickSnake', () => {
  it('gives the fields named under their snake_case column names, and only those', () => {
    expect(pickSnake({ filingType: 'appoint', birthMonth: '1980-05', phone: '13800000000' }, ['filingType', 'birthMonth'])).toEqual({
      filing_type: 'appoint',
      birth_month: '1980-05',
    });
  });
});

describe('isoOrNull', () => {
  it('gives ISO 8601 for a Date or a timestamp string, and keeps null', () => {
    expect(isoOrNull(new Date('2026-12-05T01:02:03Z'))).toBe('2026-12-05T01:02:03.000Z');
    expect(isoOrNull('2026-12-05 09:02:03+08')).toBe('2026-12-05T01:02:03.000Z');
    expect(isoOrNull(null)).toBeNull();
  });
});
