import { dimensionsBelowMinimum, gradeSheet, sheetTotals, validateSheet, type GradeSheet } from './grade';
import { SCORING_SCHEMES, type ScoringScheme } from './schemes';

const { zhejiang, hunan } = SCORING_SCHEMES;

/** Scores for the given per-dimension points, filling indicators in order up to their maxima. */
function sheetFor(scheme: ScoringScheme, dims: Record<string, number>): Record<string, number> {
  const scores: Record<string, number> = {};
  for (const d of scheme.dimensions) {
    let left = dims[d.id] ?? 0;
    if (left > d.max) throw new Error(`${d.id} over max`);
    for (const i of d.indicators) {
      const p = Math.min(i.max, left);
      if (p > 0) scores[i.id] = p;
      left -= p;
    }
  }
  return scores;
}

/** Per-dimension points totalling `total`: every dimension at its minimum, the rest filled in order. */
function spread(scheme: ScoringScheme, total: number): Record<string, number> {
  const dims: Record<string, number> = {};
  let left = total;
  for (const d of scheme.dimensions) {
    dims[d.id] = d.min ?? 0;
    left -= dims[d.id];
  }
  for (const d of scheme.dimensions) {
    const add = Math.min(d.max - dims[d.id], left);
    dims[d.id] += add;
    left -= add;
  }
  if (left !== 0) throw new Error('cannot spread');
  return dims;
}

const sheet = (scheme: ScoringScheme, total: number, extra: Partial<GradeSheet> = {}): GradeSheet => ({
  scores: sheetFor(scheme, spread(scheme, total)),
  ...extra,
});

describe('gradeSheet', () => {
  it('totals per dimension and overall, indicators left out scoring 0', () => {
    const r = gradeSheet(hunan, { scores: { '8.1.1': 30.5, '8.1.2': 10, '8.2': 60, '8.3': 45, '8.4.1': 70, '8.4.2': 30, '8.5.1': 120.3 } });
    expect(r.dimensions).toEqual({ '8.1': 40.5, '8.2': 60, '8.3': 45, '8.4': 100, '8.5': 120.3 });
    expect(r.total).toBe(365.8);
    expect(r.grade).toBe('AAA');
  });

  it('zhejiang: 299 → no grade, 300 → AAA', () => {
    const low = gradeSheet(zhejiang, sheet(zhejiang, 299));
    expect(low.total).toBe(299);
    expect(low.grade).toBeNull();
    expect(low.reasons.join()).toContain('低于 300 分');
    const pass = gradeSheet(zhejiang, sheet(zhejiang, 300));
    expect(pass.total).toBe(300);
    expect(pass.grade).toBe('AAA');
  });

  it('hunan: 300 with every dimension exactly at its minimum → AAA; 299.5 → none', () => {
    const r = gradeSheet(hunan, sheet(hunan, 300));
    expect(r.dimensions).toEqual({ '8.1': 40, '8.2': 50, '8.3': 40, '8.4': 90, '8.5': 80 });
    expect(r.grade).toBe('AAA');
    const scores = { ...r.dimensions };
    scores['8.5'] = 79.5;
    const low = gradeSheet(hunan, { scores: sheetFor(hunan, scores) });
    expect(low.total).toBe(299.5);
    expect(low.grade).toBeNull();
  });

  it('hunan: 意识 39 with a total of 700 → no grade, naming the dimension', () => {
    const scores = sheetFor(hunan, { '8.1': 39, '8.2': 80, '8.3': 90, '8.4': 280, '8.5': 211 });
    const r = gradeSheet(hunan, { scores });
    expect(r.total).toBe(700);
    expect(r.grade).toBeNull();
    expect(r.reasons).toHaveLength(1);
    expect(r.reasons[0]).toContain('意识');
    expect(r.reasons[0]).toContain('40');
  });

  it.each([
    [599, 'AAA'],
    [600, 'AAAA'],
    [799, 'AAAA'],
    [800, 'AAAAA'],
    [1000, 'AAAAA'],
  ] as const)('hunan band boundary: %s → %s (001 附录B 表B.2)', (total, grade) => {
    const r = gradeSheet(hunan, sheet(hunan, total));
    expect(r.total).toBe(total);
    expect(r.grade).toBe(grade);
  });

  it.each([
    [599, 'AAA'],
    [600, 'AAAA'],
    [799, 'AAAA'],
    [800, 'AAAAA'],
  ] as const)('zhejiang uses the same bands: %s → %s', (total, grade) => {
    expect(gradeSheet(zhejiang, sheet(zhejiang, total)).grade).toBe(grade);
  });

  it('001 5.2.2/5.2.3: a 5A application with 6 years of experience is capped at 4A', () => {
    const r = gradeSheet(hunan, sheet(hunan, 850, { applied: 'AAAAA', experienceYears: 6, hasCertificate: true }));
    expect(r.grade).toBe('AAAA');
    expect(r.reasons.some((x) => x.includes('6 年') && x.includes('001 5.2.3') && x.includes('降为 AAAA'))).toBe(true);
  });

  it('001 5.2.2: without the 5.1.4 certificate no grade can be applied for (650 points, applied AAAA, 4 years)', () => {
    const r = gradeSheet(hunan, sheet(hunan, 650, { applied: 'AAAA', experienceYears: 4, hasCertificate: false }));
    expect(r.total).toBe(650);
    expect(r.grade).toBeNull();
    expect(r.reasons.join()).toContain('001 5.1.4');
  });

  it('001 5.2.3: without the certificate no 5A either, however many points and years', () => {
    expect(gradeSheet(hunan, sheet(hunan, 950, { applied: 'AAAAA', experienceYears: 20, hasCertificate: false })).grade).toBeNull();
    // Years stated, certificate left out: not held.
    expect(gradeSheet(hunan, sheet(hunan, 950, { experienceYears: 20 })).grade).toBeNull();
  });

  it.each([
    [1.5, null],
    [2, 'AAA'],
    [3.5, 'AAA'],
    [4, 'AAAA'],
    [7.5, 'AAAA'],
    [8, 'AAAAA'],
  ] as const)('001 5.2.1–5.2.3 experience boundary with the certificate: %s years at 900 points → %s', (years, grade) => {
    const r = gradeSheet(hunan, sheet(hunan, 900, { experienceYears: years, hasCertificate: true }));
    expect(r.grade).toBe(grade);
    if (grade === null) expect(r.reasons.join()).toContain('001 5.2.1');
  });

  it('001 5 and 附录B: under the same preconditions the grade never falls as the points rise', () => {
    const order = (g: string | null) => (g === null ? -1 : ['AAA', 'AAAA', 'AAAAA'].indexOf(g));
    const preconditions: Partial<GradeSheet>[] = [
      { applied: 'AAAA', experienceYears: 4, hasCertificate: false },
      { applied: 'AAAA', experienceYears: 4, hasCertificate: true },
      { applied: 'AAAAA', experienceYears: 3, hasCertificate: true },
      { applied: 'AAAAA', experienceYears: 1, hasCertificate: true },
      { applied: 'AAA' },
      {},
    ];
    const band = (total: number) => (total >= 800 ? 2 : total >= 600 ? 1 : 0);
    for (const extra of preconditions) {
      let previous = -1;
      const grades: number[] = [];
      for (let total = 300; total <= 1000; total += 10) {
        const g = order(gradeSheet(hunan, sheet(hunan, total, extra)).grade);
        expect(g).toBeGreaterThanOrEqual(previous);
        previous = g;
        grades.push(g);
      }
      // One ceiling set by the preconditions alone: grade = min(band, ceiling) at every total,
      // so a sheet never reaches AAAA while the same preconditions refuse AAA.
      const ceiling = Math.max(...grades);
      grades.forEach((g, i) => expect(g).toBe(Math.min(band(300 + 10 * i), ceiling)));
    }
    // The case of the issue: 400 and 650 points, applied AAAA, 4 years, with the certificate.
    expect(gradeSheet(hunan, sheet(hunan, 400, { applied: 'AAAA', experienceYears: 4, hasCertificate: true })).grade).toBe('AAA');
    expect(gradeSheet(hunan, sheet(hunan, 650, { applied: 'AAAA', experienceYears: 4, hasCertificate: true })).grade).toBe('AAAA');
  });

  it('hunan: never awards more than the grade applied for', () => {
    const r = gradeSheet(hunan, sheet(hunan, 900, { applied: 'AAA' }));
    expect(r.grade).toBe('AAA');
    expect(r.reasons.join()).toContain('申报等级为 AAA');
  });

  it('000 7.2: zhejiang has no 5.2 experience gate and no applied-grade cap (370 points, 1 year → AAA)', () => {
    const r = gradeSheet(zhejiang, sheet(zhejiang, 370, { applied: 'AAA', experienceYears: 1, hasCertificate: false }));
    expect(r.grade).toBe('AAA');
    expect(r.reasons.join()).not.toContain('001 5.2');
    expect(gradeSheet(zhejiang, sheet(zhejiang, 900, { applied: 'AAA', experienceYears: 0 })).grade).toBe('AAAAA');
  });

  it('refuses a score above the indicator maximum', () => {
    const bad: GradeSheet = { scores: { ...sheet(hunan, 500).scores, '8.2': 81 } };
    expect(validateSheet(hunan, bad)).toEqual([
      { field: 'scores.8.2', code: 'above_max', message: '得分不能超过该指标满分 80 分' },
    ]);
    expect(() => gradeSheet(hunan, bad)).toThrow('得分不能超过该指标满分 80 分');
    expect(validateSheet(zhejiang, { scores: { '6.1.1.1': 20.5 } })[0].code).toBe('above_max');
  });
});

describe('sheetTotals', () => {
  it('adds each dimension and the whole sheet; untouched or empty indicators count 0', () => {
    const totals = sheetTotals(hunan, { '8.1.1': 50, '8.1.2': null, '8.4.1': 10, '8.4.2': undefined, '8.2': Number.NaN });
    expect(totals.dimensions).toEqual({ '8.1': 50, '8.2': 0, '8.3': 0, '8.4': 10, '8.5': 0 });
    expect(totals.total).toBe(60);
  });

  it('sums one-decimal scores exactly (0.1 + 0.2 = 0.3)', () => {
    const totals = sheetTotals(hunan, { '8.1.1': 0.1, '8.1.2': 0.2, '8.5.1': 0.7 });
    expect(totals.dimensions['8.1']).toBe(0.3);
    expect(totals.total).toBe(1);
  });

  it('gives 1000 for a sheet at every maximum of either scheme, each dimension at its maximum', () => {
    for (const scheme of [hunan, zhejiang]) {
      const full = Object.fromEntries(scheme.dimensions.flatMap((d) => d.indicators.map((i) => [i.id, i.max])));
      const totals = sheetTotals(scheme, full);
      expect(totals.total).toBe(1000);
      for (const d of scheme.dimensions) expect(totals.dimensions[d.id]).toBe(d.max);
    }
  });

  it('is what gradeSheet reports', () => {
    const scores = { '8.1.1': 30.5, '8.1.2': 10, '8.2': 60, '8.5.1': 120.3 };
    const { total, dimensions } = gradeSheet(hunan, { scores });
    expect({ total, dimensions }).toEqual(sheetTotals(hunan, scores));
  });
});

describe('dimensionsBelowMinimum', () => {
  it('names every hunan dimension under its minimum (001 附录B 表B.1: 意识 40, 诚信 50, 知识 40, 能力 90, 业绩 80)', () => {
    const below = dimensionsBelowMinimum(hunan, sheetTotals(hunan, {}));
    expect(below.map((b) => [b.dimension.title, b.score, b.min])).toEqual([
      ['意识', 0, 40],
      ['诚信', 0, 50],
      ['知识', 0, 40],
      ['能力', 0, 90],
      ['业绩', 0, 80],
    ]);
  });

  it('is empty at exactly the minimums and names the dimension one point below', () => {
    const atMin = sheetFor(hunan, { '8.1': 40, '8.2': 50, '8.3': 40, '8.4': 90, '8.5': 80 });
    expect(dimensionsBelowMinimum(hunan, sheetTotals(hunan, atMin))).toEqual([]);
    const below = dimensionsBelowMinimum(hunan, sheetTotals(hunan, { ...atMin, '8.1.1': 39.5 }));
    expect(below).toHaveLength(1);
    expect(below[0]).toMatchObject({ score: 39.5, min: 40 });
    expect(below[0].dimension.id).toBe('8.1');
  });

  it('never names a zhejiang dimension (000 sets no dimension minimums)', () => {
    expect(dimensionsBelowMinimum(zhejiang, sheetTotals(zhejiang, {}))).toEqual([]);
  });
});

describe('validateSheet', () => {
  it('accepts a well-formed sheet', () => {
    expect(validateSheet(zhejiang, sheet(zhejiang, 640, { applied: 'AAAA', experienceYears: 5, hasCertificate: true }))).toEqual([]);
  });

  it('reports unknown ids, non-numbers, negatives, too many decimals and bad fields', () => {
    const errors = validateSheet(zhejiang, {
      scores: { '9.9': 1, '6.2.1': 'x' as unknown as number, '6.2.2': -1, '6.2.3': 1.25, '6.6.5': 40 },
      applied: 'AA' as unknown as 'AAA',
      experienceYears: -1,
    });
    expect(errors.map((e) => [e.field, e.code])).toEqual([
      ['scores.9.9', 'unknown_indicator'],
      ['scores.6.2.1', 'not_a_number'],
      ['scores.6.2.2', 'negative'],
      ['scores.6.2.3', 'too_precise'],
      ['applied', 'invalid_grade'],
      ['experienceYears', 'invalid'],
    ]);
  });

  it('rejects hunan ids on the zhejiang scheme', () => {
    expect(validateSheet(zhejiang, { scores: { '8.2': 10 } })[0].code).toBe('unknown_indicator');
  });
});
