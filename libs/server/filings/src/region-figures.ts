import type { EntityManager } from 'typeorm';
import type { CityReportSnapshot, FilingCounts, FilingSettings, RegionLevel, SnapshotFigures } from '@cqo/contracts';
import { defaultFilingSettings, yearAsOf } from '@cqo/policy';
import { inRegionSql, regionSubtreePattern } from '@cqo/server-auth';
import { ACTIVE_ON, AWARDS_ON, IN_REGION_ON, MOVED_SINCE, OPEN_ON, REGISTER_CHANGED_SINCE, VERDICT_ON, VIOLATION_STATUS_ON } from '@cqo/server-eligibility';


interface FigureRow {
  child: string;
  total: number;
  above: number;
  sme: number;
  award: number;
  appointed: number;
  appointed_above: number;
  appointed_sme: number;
  appointed_award: number;
  eligible: number;
  expected: number;
  not_started: number;
  draft: number;
  submitted: number;
  returned: number;
  accepted: number;
  late: number;
  filed_expected: number;
  on_time: number;
  violations_open: number;
  violations_total: number;
}

const COUNT_COLUMNS: (keyof Omit<FigureRow, 'child'>)[] = [
  'total', 'above', 'sme', 'award', 'appointed', 'appointed_above', 'appointed_sme', 'appointed_award', 'eligible',
  'expected', 'not_started', 'draft', 'submitted', 'returned', 'accepted', 'late', 'filed_expected', 'on_time',
  'violations_open', 'violations_total',
];

/** 0 ÷ 0 is "no figure", never NaN. */
export const rate = (num: number, den: number): number | null => (den > 0 ? num / den : null);

/** The columns of a `filing_setting` row that `toFilingSettings` reads. */
export const FILING_SETTING_COLUMNS = `window_opens::text AS window_opens, enterprise_deadline::text AS enterprise_deadline, city_deadline::text AS city_deadline,
            reminder_days_before, overdue_every_days, updated_at`;

/** The settings in force for a province and year: the saved row, or the defaults. */
export async function filingSettingsFor(m: EntityManager, provinceCode: string, year: number): Promise<FilingSettings> {
  const [row] = await m.query(`SELECT ${FILING_SETTING_COLUMNS} FROM filing_setting WHERE province_code = $1 AND year = $2`, [provinceCode, year]);
  return toFilingSettings(row ?? null, year);
}

/** A row of `FILING_SETTING_COLUMNS` (as read, or as `to_jsonb` of it), or null for the defaults. */
export function toFilingSettings(row: Record<string, unknown> | null, year: number): FilingSettings {
  if (!row) return defaultFilingSettings(year);
  return {
    year,
    windowOpens: row.window_opens as string,
    enterpriseDeadline: row.enterprise_deadline as string,
    cityDeadline: row.city_deadline as string,
    reminderDaysBefore: (row.reminder_days_before as number[]).map(Number),
    overdueEveryDays: Number(row.overdue_every_days),
    isDefault: false,
    updatedAt: new Date(row.updated_at as string).toISOString(),
  };
}

export interface RegionRef {
  code: string;
  name: string;
  level: RegionLevel;
  path: string;
}

/**
 * The figures of a region and of each of its children for year `year` as of `asOf`, in one pass
 * over the region's enterprises (SPEC §7 definitions). Expected annual reports are those of
 * enterprises with an appointment active on the window opening; the filing rate and on-time rate
 * count only expected enterprises, the state counts every report there is.
 *
 * When `asOf` is before `today` (a year's report made after its Dec 31), the register is read as it
 * stood on `asOf`, as the statistics read it (issue 17): an enterprise counts in the county it lay
 * in then and by its 规上 of then (`enterprise_state`), and a violation is open if it had occurred
 * by then and was open then (`violation_status_change`). The reports' states are those of `today`:
 * the filing of year Y runs into Y+1, and the figures say how far it has come (docs/figure-dates.md).
 */
export async function regionFigures(
  m: EntityManager,
  region: RegionRef,
  year: number,
  asOf: string,
  settings: Pick<FilingSettings, 'windowOpens'>,
  today: string = asOf,
): Promise<{ total: SnapshotFigures; children: SnapshotFigures[] }> {
  const children: RegionRef[] = await m.query(`SELECT code, name, level, path FROM region WHERE parent_code = $1 ORDER BY code`, [region.code]);
  const dated = asOf < today;
  const path = dated ? 'coalesce(st.region_path, e.region_path)' : 'e.region_path';
  const above = dated ? 'coalesce(st.above_size, e.above_size)' : 'e.above_size';
  const rows: FigureRow[] = await m.query(
    `${dated ? `WITH moved AS MATERIALIZED (${MOVED_SINCE('$4')}),
          vopen AS (
            SELECT v.enterprise_id, count(*) AS n FROM violation v${VIOLATION_STATUS_ON.join('v', '$4')}
             WHERE v.occurred_on <= $4::date AND ${VIOLATION_STATUS_ON.status('v')} = 'open' GROUP BY v.enterprise_id)
     ` : ''}SELECT split_part(${path}, '/', $2::int + 2) AS child,
            count(*)::int AS total,
            (count(*) FILTER (WHERE ${above}))::int AS above,
            (count(*) FILTER (WHERE NOT ${above}))::int AS sme,
            (count(*) FILTER (WHERE f.award))::int AS award,
            (count(*) FILTER (WHERE act.id IS NOT NULL))::int AS appointed,
            (count(*) FILTER (WHERE act.id IS NOT NULL AND ${above}))::int AS appointed_above,
            (count(*) FILTER (WHERE act.id IS NOT NULL AND NOT ${above}))::int AS appointed_sme,
            (count(*) FILTER (WHERE act.id IS NOT NULL AND f.award))::int AS appointed_award,
            (count(*) FILTER (WHERE act.verdict = 'eligible'))::int AS eligible,
            (count(*) FILTER (WHERE f.expected))::int AS expected,
            (count(*) FILTER (WHERE f.expected AND r.id IS NULL))::int AS not_started,
            (count(*) FILTER (WHERE r.status = 'draft'))::int AS draft,
            (count(*) FILTER (WHERE r.status = 'submitted'))::int AS submitted,
            (count(*) FILTER (WHERE r.status = 'returned'))::int AS returned,
            (count(*) FILTER (WHERE r.status = 'accepted'))::int AS accepted,
            (count(*) FILTER (WHERE r.late AND r.status IN ('submitted','accepted')))::int AS late,
            (count(*) FILTER (WHERE f.expected AND r.status IN ('submitted','accepted')))::int AS filed_expected,
            (count(*) FILTER (WHERE f.expected AND r.status IN ('submitted','accepted') AND NOT r.late))::int AS on_time,
            coalesce(sum(f.violations_open), 0)::int AS violations_open,
            coalesce(sum(f.violations_total), 0)::int AS violations_total
       FROM enterprise e
       LEFT JOIN LATERAL (
         -- The CQO in post on D as the statistics take it (the latest in effect), with the verdict on D.
         SELECT a.id, ${VERDICT_ON('a', 'vo')} AS verdict FROM appointment a
           LEFT JOIN verdict_on vo ON vo.as_of = $4::date AND vo.appointment_id = a.id
          WHERE a.enterprise_id = e.id${dated ? '' : ` AND ${inRegionSql('a', '$1')}`} AND ${ACTIVE_ON('a', '$4')}
          ORDER BY a.effective_from DESC LIMIT 1) act ON true
       LEFT JOIN annual_report r ON r.enterprise_id = e.id AND r.year = $3
       CROSS JOIN LATERAL (
         -- Awards of year Y or before (an undated one counts in every year, SPEC §8), as the statistics count them.
         SELECT EXISTS (SELECT 1 FROM ${AWARDS_ON('$4')} w WHERE w.enterprise_id = e.id AND coalesce(w.year, 0) <= $3) AS award,
                EXISTS (SELECT 1 FROM appointment a WHERE a.enterprise_id = e.id AND ${ACTIVE_ON('a', '$5')}) AS expected,
                ${dated ? `(SELECT vo.n FROM vopen vo WHERE vo.enterprise_id = e.id)` : `(SELECT count(*) FROM violation v WHERE v.enterprise_id = e.id AND v.status = 'open')`} AS violations_open,
                (SELECT count(*) FROM violation v WHERE v.enterprise_id = e.id AND extract(year FROM v.occurred_on) = $3) AS violations_total
       ) f${dated ? `
       LEFT JOIN (${REGISTER_CHANGED_SINCE('$4', ['region_path', 'above_size'])}) st ON st.enterprise_id = e.id` : ''}
      WHERE ${dated ? IN_REGION_ON('e', 'id', 'moved', (a) => inRegionSql(a, '$1')) : inRegionSql('e', '$1')} AND ${OPEN_ON('e.id', '$4')}
      GROUP BY 1`,
    [regionSubtreePattern(region.path), region.level, year, asOf, settings.windowOpens],
  );
  const byChild = new Map(rows.map((r) => [r.child, r]));
  const sum = {} as FigureRow;
  for (const c of COUNT_COLUMNS) sum[c] = rows.reduce((s, r) => s + Number(r[c]), 0);
  return {
    total: figures(region, sum),
    children: children.map((c) => figures(c, byChild.get(c.code))),
  };
}

function figures(region: Pick<RegionRef, 'code' | 'name'>, r: FigureRow | undefined): SnapshotFigures {
  const n = (k: keyof Omit<FigureRow, 'child'>) => Number(r?.[k] ?? 0);
  const filings: FilingCounts = {
    expected: n('expected'),
    notStarted: n('not_started'),
    draft: n('draft'),
    submitted: n('submitted'),
    returned: n('returned'),
    accepted: n('accepted'),
    late: n('late'),
  };
  return {
    code: region.code,
    name: region.name,
    enterprises: { total: n('total'), aboveSize: n('above'), sme: n('sme'), award: n('award') },
    appointed: { total: n('appointed'), aboveSize: n('appointed_above'), sme: n('appointed_sme'), award: n('appointed_award') },
    rates: {
      aboveSize: rate(n('appointed_above'), n('above')),
      sme: rate(n('appointed_sme'), n('sme')),
      award: rate(n('appointed_award'), n('award')),
    },
    eligible: { count: n('eligible'), rate: rate(n('eligible'), n('appointed')) },
    filings: { ...filings, onTime: n('on_time'), rate: rate(n('filed_expected'), n('expected')), onTimeRate: rate(n('on_time'), n('expected')) },
    violations: { open: n('violations_open'), total: n('violations_total') },
  };
}

/**
 * The statistics snapshot a city report freezes at submission: the city and each county, for the
 * report's year, as of the submission day (or the year's last day, if that is earlier).
 */
export async function citySnapshot(
  m: EntityManager,
  regionCode: string,
  year: number,
  today: string,
  takenAt: Date,
  /** Keeps the verdicts on a past date first (`EligibilityService.judgeOn`), so the CQOs are counted by their verdict on that date. */
  judgeOn: (asOf: string, pathLike: string) => Promise<unknown>,
): Promise<CityReportSnapshot> {
  const [region]: RegionRef[] = await m.query(`SELECT code, name, level, path FROM region WHERE code = $1`, [regionCode]);
  if (!region) throw new Error(`no region ${regionCode}`);
  const provinceCode = region.path.split('/')[1] ?? region.code;
  const settings = await filingSettingsFor(m, provinceCode, year);
  const asOf = yearAsOf(year, today);
  await judgeOn(asOf, regionSubtreePattern(region.path));
  const { total, children } = await regionFigures(m, { ...region, level: Number(region.level) as RegionLevel }, year, asOf, settings, today);
  return { takenAt: takenAt.toISOString(), asOf, year, total, children };
}
