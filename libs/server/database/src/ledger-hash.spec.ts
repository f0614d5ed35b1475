import { chainDrafts, GENESIS_HASH, ledgerHash, ledgerHours, type LedgerDraft } from './ledger-hash';

const draft = (over: Partial<LedgerDraft> = {}): LedgerDraft => ({
  id: '6f1c2a4e-0000-4000-8000-000000000001',
  kind: 'entry',
  personId: '6f1c2a4e-0000-4000-8000-0000000000aa',
  enterpriseId: null,
  category: '继续教育(第一类)',
  course: '质量管理体系',
  provider: '湖北省质量协会',
  startDate: '2025-03-01',
  endDate: '2025-03-02',
  hours: ledgerHours(16),
  certificateNo: 'JX-001',
  source: 'provider',
  reverses: null,
  reason: null,
  recordedAt: '1740787200000',
  recordedBy: null,
  ...over,
});

describe('training ledger hashing', () => {
  it('formats hours as numeric(5,1) prints them', () => {
    expect([ledgerHours(8), ledgerHours(7.5), ledgerHours(-13.5)]).toEqual(['8.0', '7.5', '-13.5']);
  });

  /**
   * A pinned vector: every stored chain was hashed this way, so any change to the canonical form
   * (field order, JSON, the separator, numeric formatting) breaks `cqo verify training` on existing
   * ledgers (issue 19 item 9). Computed outside this code: sha256(prevHash + "\n" + JSON array).
   */
  it('hashes the canonical form to the pinned values (a two-record chain from genesis)', () => {
    const links = chainDrafts({ seq: 0, hash: GENESIS_HASH }, [draft(), draft({ id: '6f1c2a4e-0000-4000-8000-000000000002' })]);
    expect(links.map((l) => [l.seq, l.prevHash, l.hash])).toEqual([
      [1, GENESIS_HASH, '9cec36d8a029119152bf1f9c8bad571e09ada3f479234a5b8f6dcc7a276002c0'],
      [2, '9cec36d8a029119152bf1f9c8bad571e09ada3f479234a5b8f6dcc7a276002c0', '64a5b30ea519640973d47695a5b1af708e2071989f5246f674e2bce5e956cf9c'],
    ]);
  });

  it('links each record to the one before, starting from the genesis hash', () => {
    const links = chainDrafts({ seq: 0, hash: GENESIS_HASH }, [draft(), draft({ id: '6f1c2a4e-0000-4000-8000-000000000002' })]);
    expect(links.map((l) => l.seq)).toEqual([1, 2]);
    expect(links[0].prevHash).toBe(GENESIS_HASH);
    expect(links[1].prevHash).toBe(links[0].hash);
    expect(links[0].hash).toMatch(/^[0-9a-f]{64}$/);
    // Continuing from a head gives the same hashes as chaining in one go.
    const rest = chainDrafts({ seq: 1, hash: links[0].hash }, [draft({ id: '6f1c2a4e-0000-4000-8000-000000000002' })]);
    expect(rest[0]).toEqual(links[1]);
  });

  it('changes the hash when any field or the previous hash changes', () => {
    const base = ledgerHash(GENESIS_HASH, { ...draft(), seq: '1' });
    const changed = (Object.keys(draft()) as (keyof LedgerDraft)[]).map((k) =>
      ledgerHash(GENESIS_HASH, { ...draft(), [k]: k === 'enterpriseId' || k === 'reverses' || k === 'reason' || k === 'recordedBy' ? 'x' : `${draft()[k]}x`, seq: '1' }),
    );
    expect(changed.every((h) => h !== base)).toBe(true);
    expect(ledgerHash('f'.repeat(64), { ...draft(), seq: '1' })).not.toBe(base);
    expect(ledgerHash(GENESIS_HASH, { ...draft(), seq: '2' })).not.toBe(base);
    // null and the string "null" are different content.
    expect(ledgerHash(GENESIS_HASH, { ...draft({ certificateNo: null }), seq: '1' })).not.toBe(ledgerHash(GENESIS_HASH, { ...draft({ certificateNo: 'null' }), seq: '1' }));
  });
});
