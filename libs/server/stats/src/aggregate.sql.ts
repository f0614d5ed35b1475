import type { StatCounts, ViolationType } from '@cqo/contracts';
import { EDUCATION_LEVELS, POSITION_LEVELS, QUALIFICATION_LEVELS } from '@cqo/contracts';
import { emptyCounts } from '@cqo/policy';
import type { EntityManager } from 'typeorm';
import { ACTIVE_ON } from '@cqo/server-filings';

/** The yearly training thresholds in force for a year (SPEC §3); null when the profile sets none. */
export interface TrainingThresholds {
  first: number;
  second: number;
  total: number;
  activities: number;
}

export interface YearParams {
  year: number;
  /** The as-of date: today for the current year, Dec 31 for a past one. */
  asOf: string;
  /** The window opening of the year: expected reports are those of enterprises with a CQO on this day. */
  windowOpens: string;
  training: TrainingThresholds | null;
}

/**
 * Which enterprises to count: a subtree (`LIKE` on the region path: the whole province for a full
 * rebuild, one region for a live figure) or exact region paths (an incremental update recounts
 * the enterprises registered directly in the changed regions).
 */
export type EnterpriseFilter = { subtree: string } | { exactPaths: string[] };

/**
 * How the year's training hours are totalled: `people` probes the ledger for each CQO counted (a
 * few regions: an incremental update, a live figure); `year` reads the whole year's entries in one
 * range scan of `training_record_year_idx` and lets the join drop people not in post (the full
 * rebuild, where probing every CQO would cost a random read each). The same split applies to the
 * awards: `people` reads only the counted enterprises' awards, `year` every award of the province.
 */
export type TrainingScan = 'people' | 'year';

const TITLES = [...QUALIFICATION_LEVELS, '无'] as const;
const col = (prefix: string, i: number) => `${prefix}_${i}`;

/**
 * One statement computing the counts of every region that directly holds enterprises (grouped by
 * the enterprise's own region code). Parents are sums of these (see `rollUp`). The province-wide
 * raw query of the benchmark is this statement without the GROUP BY.
 */
export function ownCountsSql(filterSql: (alias: string) => string, groupBy = true, training: TrainingScan = 'people'): string {
  const dist = (values: readonly string[], expr: string, prefix: string) =>
    values.map((v, i) => `count(*) FILTER (WHERE ${expr} = '${v}')::int AS ${col(prefix, i)}`).join(',\n         ');
  return `
    WITH act AS (
      SELECT DISTINCT ON (a.enterprise_id) a.enterprise_id, a.person_id, a.verdict, a.disqualified, a.education,
             coalesce(a.qualification_level, '无') AS title, a.position_level, a.appointed_on, a.term_end
        FROM appointment a
       WHERE ${filterSql('a')} AND ${ACTIVE_ON('a', '$2')}
       ORDER BY a.enterprise_id, a.effective_from DESC
    ), expected AS (
      SELECT DISTINCT a.enterprise_id FROM appointment a WHERE ${filterSql('a')} AND ${ACTIVE_ON('a', '$3')}
    ), awarded AS (
      SELECT DISTINCT w.enterprise_id FROM enterprise_award w
       WHERE w.year <= $1${training === 'people' ? ` AND w.enterprise_id IN (SELECT e.id FROM enterprise e WHERE ${filterSql('e')})` : ''}
    ), hours AS MATERIALIZED (
      SELECT t.person_id,
             coalesce(sum(t.hours) FILTER (WHERE t.category = '继续教育(第一类)'), 0) AS first,
             coalesce(sum(t.hours) FILTER (WHERE t.category = '第二类'), 0) AS second,
             count(*) FILTER (WHERE t.category = '组织培训活动') AS activities
        FROM training_live t
       WHERE t.end_date BETWEEN $4::date AND $5::date${training === 'people' ? ' AND t.person_id IN (SELECT person_id FROM act)' : ''}
       GROUP BY t.person_id
    ), viol AS (
      SELECT v.enterprise_id, count(*) FILTER (WHERE v.status = 'open') AS open,
             count(*) FILTER (WHERE v.occurred_on BETWEEN $4::date AND $5::date) AS total
        FROM violation v WHERE ${filterSql('v')} GROUP BY v.enterprise_id
    ), judged AS (
      SELECT e.region_code, e.above_size, w.enterprise_id IS NOT NULL AS award, act.enterprise_id IS NOT NULL AS appointed,
             act.verdict, act.disqualified, act.education, act.title, act.position_level, act.term_end,
             x.enterprise_id IS NOT NULL AS expected, r.status AS report, coalesce(r.late, false) AS late,
             coalesce(viol.open, 0) AS v_open, coalesce(viol.total, 0) AS v_total,
             ($6::boolean AND act.enterprise_id IS NOT NULL AND act.appointed_on < $4::date
               AND (act.term_end IS NULL OR act.term_end >= $5::date)) AS training_applies,
             greatest(greatest($7 - coalesce(h.first, 0), 0) + greatest($8 - coalesce(h.second, 0), 0),
                      $9 - (coalesce(h.first, 0) + coalesce(h.second, 0)), 0) = 0
               AND coalesce(h.activities, 0) >= $10 AS training_met
        FROM enterprise e
        LEFT JOIN act ON act.enterprise_id = e.id
        LEFT JOIN expected x ON x.enterprise_id = e.id
        LEFT JOIN awarded w ON w.enterprise_id = e.id
        LEFT JOIN hours h ON h.person_id = act.person_id
        LEFT JOIN annual_report r ON r.enterprise_id = e.id AND r.year = $1
        LEFT JOIN viol ON viol.enterprise_id = e.id
       WHERE ${filterSql('e')}
    )
    SELECT ${groupBy ? 'region_code' : `'total'::text AS region_code`},
         count(*)::int AS total,
         count(*) FILTER (WHERE above_size)::int AS above,
         count(*) FILTER (WHERE NOT above_size)::int AS sme,
         count(*) FILTER (WHERE award)::int AS award,
         count(*) FILTER (WHERE appointed)::int AS appointed,
         count(*) FILTER (WHERE appointed AND above_size)::int AS appointed_above,
         count(*) FILTER (WHERE appointed AND NOT above_size)::int AS appointed_sme,
         count(*) FILTER (WHERE appointed AND award)::int AS appointed_award,
         count(*) FILTER (WHERE verdict = 'eligible')::int AS eligible,
         count(*) FILTER (WHERE training_applies)::int AS training_applicable,
         count(*) FILTER (WHERE training_applies AND training_met)::int AS training_compliant,
         count(*) FILTER (WHERE expected)::int AS expected,
         count(*) FILTER (WHERE expected AND report IN ('submitted', 'accepted'))::int AS filed,
         count(*) FILTER (WHERE expected AND report IN ('submitted', 'accepted') AND NOT late)::int AS on_time,
         count(*) FILTER (WHERE expected AND report = 'accepted')::int AS accepted,
         count(*) FILTER (WHERE expected AND report IS NULL)::int AS not_started,
         count(*) FILTER (WHERE report = 'draft')::int AS draft,
         count(*) FILTER (WHERE report = 'submitted')::int AS awaiting,
         count(*) FILTER (WHERE report = 'returned')::int AS returned,
         count(*) FILTER (WHERE late AND report IN ('submitted', 'accepted'))::int AS late,
         coalesce(sum(v_open), 0)::int AS v_open,
         coalesce(sum(v_total), 0)::int AS v_total,
         count(*) FILTER (WHERE term_end BETWEEN $2::date AND $2::date + 90)::int AS ending,
         count(*) FILTER (WHERE disqualified)::int AS disqualified,
         ${dist(EDUCATION_LEVELS, 'education', 'edu')},
         ${dist(TITLES, 'title', 'title')},
         ${dist(POSITION_LEVELS, 'position_level', 'pos')}
      FROM judged
      ${groupBy ? 'GROUP BY region_code' : ''}`;
}

/** Violations of the year by type, per region code (a small table; counted apart from the scan). */
export function violationTypesSql(filterSql: (alias: string) => string): string {
  return `SELECT e.region_code, v.type, count(*) FILTER (WHERE v.status = 'open')::int AS open,
                 count(*) FILTER (WHERE v.occurred_on BETWEEN $1::date AND $2::date)::int AS total
            FROM violation v JOIN enterprise e ON e.id = v.enterprise_id
           WHERE ${filterSql('v')}
           GROUP BY 1, 2`;
}

export function filterSql(filter: EnterpriseFilter, paramIndex: number): (alias: string) => string {
  return 'subtree' in filter
    ? (alias) => `${alias}.region_path LIKE $${paramIndex}`
    : (alias) => `${alias}.region_path = ANY($${paramIndex}::text[])`;
}

export function filterParam(filter: EnterpriseFilter): string | string[] {
  return 'subtree' in filter ? filter.subtree : filter.exactPaths;
}

export function yearParams(p: YearParams): unknown[] {
  const t = p.training;
  return [p.year, p.asOf, p.windowOpens, `${p.year}-01-01`, `${p.year}-12-31`, t !== null, t?.first ?? 0, t?.second ?? 0, t?.total ?? 0, t?.activities ?? 0];
}

type Row = Record<string, number | string>;

function countsOf(r: Row): StatCounts {
  const n = (k: string) => Number(r[k] ?? 0);
  const c = emptyCounts();
  c.enterprises = { total: n('total'), aboveSize: n('above'), sme: n('sme'), award: n('award') };
  c.appointed = { total: n('appointed'), aboveSize: n('appointed_above'), sme: n('appointed_sme'), award: n('appointed_award') };
  c.eligible = n('eligible');
  c.training = { applicable: n('training_applicable'), compliant: n('training_compliant') };
  c.filings = {
    expected: n('expected'),
    submitted: n('filed'),
    onTime: n('on_time'),
    accepted: n('accepted'),
    notStarted: n('not_started'),
    draft: n('draft'),
    awaitingReview: n('awaiting'),
    returned: n('returned'),
    late: n('late'),
  };
  c.violations = { open: n('v_open'), total: n('v_total'), byType: {} };
  c.termsEndingSoon = n('ending');
  c.disqualifiedInPost = n('disqualified');
  const dist = (values: readonly string[], prefix: string) =>
    Object.fromEntries(values.map((v, i) => [v, n(col(prefix, i))]).filter(([, count]) => (count as number) > 0));
  c.education = dist(EDUCATION_LEVELS, 'edu');
  c.title = dist(TITLES, 'title');
  c.positionLevel = dist(POSITION_LEVELS, 'pos');
  return c;
}

/** The counts of every region code that directly holds matching enterprises, for one year. */
export async function ownCounts(m: EntityManager, filter: EnterpriseFilter, p: YearParams, training: TrainingScan = 'people'): Promise<Map<string, StatCounts>> {
  const params = yearParams(p);
  const where = filterSql(filter, params.length + 1);
  const rows: Row[] = await m.query(ownCountsSql(where, true, training), [...params, filterParam(filter)]);
  const out = new Map<string, StatCounts>();
  for (const r of rows) out.set(String(r.region_code), countsOf(r));
  const types: { region_code: string; type: ViolationType; open: number; total: number }[] = await m.query(violationTypesSql(filterSql(filter, 3)), [
    `${p.year}-01-01`,
    `${p.year}-12-31`,
    filterParam(filter),
  ]);
  for (const t of types) {
    const c = out.get(t.region_code);
    if (c && (t.open > 0 || t.total > 0)) c.violations.byType[t.type] = { open: t.open, total: t.total };
  }
  return out;
}
