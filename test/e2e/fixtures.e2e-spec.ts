import { CREDIT_CODE_ALPHABET } from '@cqo/policy';
import { creditCode } from '../support/fixtures';

/**
 * The fixtures every e2e builds its data with. A 1,000-row roster once drew the same random credit
 * code twice (rows 465 and 881), and the import rightly refused the file: the test, not the product,
 * was wrong (CI, 2026-12-05).
 */
describe('test fixtures', () => {
  it('creditCode never gives the same code twice in one process (200,000 in one county)', () => {
    const codes = Array.from({ length: 200_000 }, () => creditCode('420102'));
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.every((c) => c.length === 18 && c.startsWith('91420102') && [...c].every((ch) => CREDIT_CODE_ALPHABET.includes(ch)))).toBe(true);
  });
});
