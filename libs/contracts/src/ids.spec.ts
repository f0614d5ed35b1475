import { isUuid } from './ids';

describe('isUuid (the one id check before SQL)', () => {
  it('takes a UUID of any version in either case, as PostgreSQL reads it', () => {
    expect(isUuid('7f1c2a9e-3b4d-4e5f-8a6b-0c1d2e3f4a5b')).toBe(true);
    expect(isUuid('7F1C2A9E-3B4D-4E5F-8A6B-0C1D2E3F4A5B')).toBe(true);
    expect(isUuid('00000000-0000-0000-0000-000000000001')).toBe(true);
  });

  it('refuses anything else, so a malformed id never reaches a query', () => {
    for (const bad of ['', '7f1c2a9e3b4d4e5f8a6b0c1d2e3f4a5b', '7f1c2a9e-3b4d-4e5f-8a6b-0c1d2e3f4a5', '7f1c2a9e-3b4d-4e5f-8a6b-0c1d2e3f4a5g', ' 7f1c2a9e-3b4d-4e5f-8a6b-0c1d2e3f4a5b', "1' OR '1'='1", 42, null, undefined]) {
      expect(isUuid(bad)).toBe(false);
    }
  });
});
