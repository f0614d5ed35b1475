import type { StatCounts } from '@cqo/contracts';
import {
  assessCity,
  DEFAULT_TARGETS,
  DEFAULT_WEIGHTS,
  emptyCounts,
  formatRate,
  projectRate,
  rankCities,
  rate,
  statsRow,
  sumCounts,
  targetProgress,
  validateStatSettings,
} from './stats';

const region = { code: '420102', name: '江岸区', level: 3 as const };

function counts(patch: (c: StatCounts) => void): StatCounts {
  const c = emptyCounts();
  patch(c);
  return c;
}

describe('rates', () => {
  it('0 ÷ 0 is null and shows as "—", never NaN', () => {
    expect(rate(0, 0)).toBeNull();
    expect(formatRate(rate(0, 0))).toBe('—');
    expect(formatRate(Number.NaN)).toBe('—');
    // The one percent formatter of the dashboard, the charts (ECharts passes '-' for a gap) and the city report.
    expect(formatRate('-')).toBe('—');
    expect(formatRate(undefined)).toBe('—');
    expect(formatRate(0.8125)).toBe('81.3%');
    expect(formatRate(0.6, 0)).toBe('60%');
    expect(formatRate(rate(2, 3))).toBe('66.7%');
    expect(formatRate(1)).toBe('100.0%');
  });

  it('an empty region has every rate null and every count 0', () => {
    const row = statsRow(region, 2026, '2026-11-30', emptyCounts());
    expect(row.rates).toEqual({ aboveSize: null, sme: null, award: null, total: null });
    expect(row.eligible).toEqual({ count: 0, rate: null });
    expect(row.training.rate).toBeNull();
    expect(row.filings.rate).toBeNull();
    expect(row.filings.onTimeRate).toBeNull();
    expect(JSON.stringify(row)).not.toContain('NaN');
  });

  it('a region with no enterprise in a category has that rate null and the others computed', () => {
    const row = statsRow(
      region,
      2026,
      '2026-11-30',
      counts((c) => {
        c.enterprises = { total: 4, aboveSize: 4, sme: 0, award: 0 };
        c.appointed = { total: 3, aboveSize: 3, sme: 0, award: 0 };
        c.eligible = 2;
      }),
    );
    expect(row.rates.aboveSize).toBeCloseTo(0.75);
    expect(row.rates.sme).toBeNull();
    expect(row.rates.award).toBeNull();
    expect(row.eligible.rate).toBeCloseTo(2 / 3);
  });

  it('sums nested counts, violation types and distributions across regions', () => {
    const a = counts((c) => {
      c.enterprises.total = 2;
      c.violations = { open: 1, total: 2, byType: { 失信: { open: 1, total: 2 } } };
      c.education = { 大学本科: 2 };
    });
    const b = counts((c) => {
      c.enterprises.total = 3;
      c.violations = { open: 0, total: 1, byType: { 失信: { open: 0, total: 1 }, 刑事处分: { open: 0, total: 0 } } };
      c.education = { 大学本科: 1, 大专: 4 };
    });
    const s = sumCounts([a, b]);
    expect(s.enterprises.total).toBe(5);
    expect(s.violations.byType).toEqual({ 失信: { open: 1, total: 3 }, 刑事处分: { open: 0, total: 0 } });
    expect(s.education).toEqual({ 大学本科: 3, 大专: 4 });
    // The inputs are left untouched.
    expect(a.enterprises.total).toBe(2);
    expect(sumCounts([])).toEqual(emptyCounts());
  });
});

describe('projection to a deadline', () => {
  /** Yearly points from `{ asOf: rate }`, in the order given. */
  const ratesOn = (rates: Record<string, number | null>) => Object.entries(rates).map(([asOf, rate]) => ({ asOf, rate }));

  it('fits a line through the yearly points and extends it to the deadline', () => {
    const points = ratesOn({ '2023-12-31': 0.4, '2024-12-31': 0.5, '2025-12-31': 0.6 });
    const { projected, method } = projectRate(points, '2025-12-31', '2027-12-31');
    expect(method).toBe('trend');
    expect(projected).toBeCloseTo(0.8, 2);
  });

  it('clamps to 0–1', () => {
    const up = projectRate([{ asOf: '2024-12-31', rate: 0.5 }, { asOf: '2025-12-31', rate: 0.9 }], '2025-12-31', '2030-12-31');
    expect(up.projected).toBe(1);
    const down = projectRate([{ asOf: '2024-12-31', rate: 0.5 }, { asOf: '2025-12-31', rate: 0.1 }], '2025-12-31', '2030-12-31');
    expect(down.projected).toBe(0);
  });

  it('is the actual once the deadline has passed, or with one point; none without points', () => {
    const points = [{ asOf: '2024-12-31', rate: 0.2 }, { asOf: '2026-11-30', rate: 0.7 }];
    expect(projectRate(points, '2026-11-30', '2025-12-31')).toEqual({ projected: 0.7, method: 'actual' });
    expect(projectRate([{ asOf: '2026-11-30', rate: 0.3 }], '2026-11-30', '2027-12-31')).toEqual({ projected: 0.3, method: 'actual' });
    expect(projectRate([{ asOf: '2026-11-30', rate: null }], '2026-11-30', '2027-12-31')).toEqual({ projected: null, method: 'none' });
  });

  it('ignores years with no figure (a category with no enterprises that year)', () => {
    const points = ratesOn({ '2024-12-31': null, '2025-12-31': 0.5, '2026-06-30': 0.6 });
    const { projected, method } = projectRate(points, '2026-06-30', '2027-06-30');
    expect(method).toBe('trend');
    expect(projected).toBeCloseTo(0.8, 2);
  });

  it('flags each target on track or not from the projection', () => {
    const history = [
      { asOf: '2024-12-31', rates: { aboveSize: 0.5, sme: 0.2, award: 0.9, total: 0.3 } },
      { asOf: '2025-12-31', rates: { aboveSize: 0.7, sme: 0.3, award: 1, total: 0.4 } },
    ];
    const targets = [
      { category: 'aboveSize' as const, value: 1, deadline: '2027-12-31' },
      { category: 'sme' as const, value: 0.6, deadline: '2027-12-31' },
      { category: 'award' as const, value: 1, deadline: '2021-12-31' },
    ];
    const [above, sme, award] = targetProgress(targets, { aboveSize: 0.8, sme: 0.35, award: 1, total: 0.5 }, history, '2026-06-30');
    expect(above).toMatchObject({ category: 'aboveSize', actual: 0.8, method: 'trend', onTrack: true });
    expect(sme).toMatchObject({ category: 'sme', actual: 0.35, method: 'trend', onTrack: false });
    expect(sme.projected).toBeLessThan(0.6);
    expect(award).toMatchObject({ method: 'actual', projected: 1, onTrack: true });
  });

  it('states each target as of the date: met, pending up to and on the deadline day, overdue the day after', () => {
    const targets = [
      { category: 'aboveSize' as const, value: 0.9, deadline: '2026-06-30' },
      { category: 'sme' as const, value: 0.6, deadline: '2026-06-30' },
    ];
    const rates = { aboveSize: 0.9, sme: 0.5, award: null, total: 0.6 };
    const at = (asOf: string) => targetProgress(targets, rates, [], asOf);
    expect(at('2026-06-20').map((p) => [p.state, p.daysLeft])).toEqual([['met', null], ['pending', 10]]);
    expect(at('2026-06-30').map((p) => [p.state, p.daysLeft])).toEqual([['met', null], ['pending', 0]]);
    expect(at('2026-07-01').map((p) => [p.state, p.daysLeft])).toEqual([['met', null], ['overdue', null]]);
  });

  it('a category without enterprises has no actual, no projection and no verdict', () => {
    const [p] = targetProgress([DEFAULT_TARGETS[0]], { aboveSize: null, sme: null, award: null, total: null }, [], '2026-11-30');
    expect(p).toMatchObject({ actual: null, projected: null, onTrack: null, method: 'none', state: 'none', daysLeft: null });
  });
});

describe('city assessment', () => {
  const full = {
    rates: { aboveSize: 1, sme: 0.6, award: 1, total: 0.7 },
    filings: { onTimeRate: 1 },
    training: { rate: 1 },
    disqualifiedInPost: 0,
  };

  it('scores 100 when every rate meets its target, and caps a rate above its target', () => {
    const r = assessCity({ ...full, rates: { ...full.rates, sme: 0.9 } } as never, DEFAULT_TARGETS, DEFAULT_WEIGHTS);
    expect(r.score).toBe(100);
    expect(r.parts.find((p) => p.key === 'sme')?.points).toBe(20);
  });

  it('weighs each part: half the sme target loses half the sme weight', () => {
    const r = assessCity({ ...full, rates: { ...full.rates, sme: 0.3 } } as never, DEFAULT_TARGETS, DEFAULT_WEIGHTS);
    expect(r.parts.find((p) => p.key === 'sme')?.points).toBe(10);
    expect(r.score).toBe(90);
  });

  it('leaves out parts with nothing to measure and scales the rest to 100', () => {
    const r = assessCity({ ...full, rates: { ...full.rates, award: null } } as never, DEFAULT_TARGETS, DEFAULT_WEIGHTS);
    expect(r.parts.find((p) => p.key === 'award')?.points).toBeNull();
    expect(r.score).toBe(100);
    const half = assessCity({ ...full, rates: { ...full.rates, award: null }, training: { rate: 0 } } as never, DEFAULT_TARGETS, DEFAULT_WEIGHTS);
    // 85 weight applies, 65 earned: 65 / 85 × 100.
    expect(half.score).toBeCloseTo(76.5, 1);
  });

  it('takes off points per disqualified CQO in post, up to the cap, never below 0', () => {
    expect(assessCity({ ...full, disqualifiedInPost: 3 } as never, DEFAULT_TARGETS, DEFAULT_WEIGHTS)).toMatchObject({ score: 94, penalty: { count: 3, points: 6 } });
    expect(assessCity({ ...full, disqualifiedInPost: 50 } as never, DEFAULT_TARGETS, DEFAULT_WEIGHTS).penalty.points).toBe(20);
    const nothing = { rates: { aboveSize: 0, sme: 0, award: 0, total: 0 }, filings: { onTimeRate: 0 }, training: { rate: 0 }, disqualifiedInPost: 5 };
    expect(assessCity(nothing as never, DEFAULT_TARGETS, DEFAULT_WEIGHTS).score).toBe(0);
  });

  it('an empty city scores 0, not NaN', () => {
    const none = { rates: { aboveSize: null, sme: null, award: null, total: null }, filings: { onTimeRate: null }, training: { rate: null }, disqualifiedInPost: 0 };
    expect(assessCity(none as never, DEFAULT_TARGETS, DEFAULT_WEIGHTS).score).toBe(0);
  });

  it('ranks best first, ties sharing a rank', () => {
    const ranked = rankCities([
      { code: '420200', name: 'B', score: 80, parts: [], penalty: { count: 0, points: 0 } },
      { code: '420100', name: 'A', score: 90, parts: [], penalty: { count: 0, points: 0 } },
      { code: '420300', name: 'C', score: 80, parts: [], penalty: { count: 0, points: 0 } },
      { code: '420500', name: 'D', score: 10, parts: [], penalty: { count: 0, points: 0 } },
    ]);
    expect(ranked.map((r) => [r.code, r.rank])).toEqual([
      ['420100', 1],
      ['420200', 2],
      ['420300', 2],
      ['420500', 4],
    ]);
  });
});

describe('settings validation', () => {
  it('accepts the defaults and names each bad field', () => {
    expect(validateStatSettings([...DEFAULT_TARGETS], { ...DEFAULT_WEIGHTS })).toEqual({});
    const errors = validateStatSettings(
      [
        { category: 'sme', value: 1.2, deadline: '2025-13-40' },
        { category: 'sme', value: 0.5, deadline: '2025-12-31' },
      ],
      { ...DEFAULT_WEIGHTS, sme: 30 },
    );
    expect(errors['targets.0.value']).toContain('100%');
    expect(errors['targets.0.deadline']).toContain('YYYY-MM-DD');
    expect(errors['targets.1.category']).toContain('重复');
    expect(errors['weights']).toContain('110');
  });
});
