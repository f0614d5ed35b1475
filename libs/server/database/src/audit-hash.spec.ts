import { AUDIT_GENESIS_HASH, auditHash, type AuditHashContent } from './audit-hash';

const row = (over: Partial<AuditHashContent> = {}): AuditHashContent => ({
  lane: '3',
  seq: '1',
  id: '42',
  atMicros: '1764800000123456',
  actorId: null,
  actorUsername: '张三',
  actorRole: 'city',
  ip: '10.0.0.1',
  action: 'auth.login',
  objectType: 'session',
  objectId: null,
  result: 'success',
  details: '{"a": 1}',
  ...over,
});

describe('audit log hashing (issue 18 item 3)', () => {
  it('is SHA-256 hex over the previous hash and every field', () => {
    const h = auditHash(AUDIT_GENESIS_HASH, row());
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(auditHash(AUDIT_GENESIS_HASH, row())).toBe(h);
    expect(auditHash('1'.repeat(64), row())).not.toBe(h);
    for (const field of ['lane', 'seq', 'id', 'atMicros', 'actorUsername', 'action', 'result', 'details'] as const) {
      expect(auditHash(AUDIT_GENESIS_HASH, row({ [field]: `${row()[field]}x` }))).not.toBe(h);
    }
  });

  it('tells null from the empty string, and never lets one field run into the next', () => {
    expect(auditHash(AUDIT_GENESIS_HASH, row({ objectId: null }))).not.toBe(auditHash(AUDIT_GENESIS_HASH, row({ objectId: '' })));
    // "ab" + "c" against "a" + "bc": the byte-length prefix keeps them apart.
    expect(auditHash(AUDIT_GENESIS_HASH, row({ objectType: 'ab', objectId: 'c' }))).not.toBe(auditHash(AUDIT_GENESIS_HASH, row({ objectType: 'a', objectId: 'bc' })));
  });
});
