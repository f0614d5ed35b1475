import type { StatCounts, ViolationType } from '@cqo/contracts';
import { EDUCATION_LEVELS, POSITION_LEVELS, QUALIFICATION_LEVELS } from '@cqo/contracts';
import { emptyCounts } from '@cqo/policy';
import { inRegionSql } from '@cqo/server-auth';
import type { EntityManager } from 'typeorm';
import { ACTIVE_MOVED, ACTIVE_ON, AWARDS_ON, DISQUALIFIED_ON, END_OF_DAY, IN_REGION_ON, MOVED_SINCE, OPEN_MOVED, OPEN_ON, REGISTER_CHANGED_SINCE, VERDICT_ON, VIOLATION_STATUS_ON, YEARLY_TRAINING, type TrainingHoursSql } from '@cqo/server-eligibility';

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
  /**
   * The as-of date is past (before today): the register, the reports, the violations and the
   * training are taken as they stood on it (issue 17 item 1), not in their current state.
   */
  dated: boolean;
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
 * rebuild, where probing every CQO would cost a random read each).
 */
export type TrainingScan = 'people' | 'year';

const TITLES = [...QUALIFICATION_LEVELS, '无'] as const;
/** The “即将到期” count (SPEC §7): terms ending within this many days of the as-of date. */
const ENDING_DAYS = 90;
const col = (prefix: string, i: number) => `${prefix}_${i}`;
/** A CQO's year hours in row `alias` (first, second, activities; none when the CQO has no entries): what `YEARLY_TRAINING` judges. */
const HOURS = (alias: string): TrainingHoursSql => ({
  first: `coalesce(${alias}.first, 0)`,
  second: `coalesce(${alias}.second, 0)`,
  activities: `coalesce(${alias}.activities, 0)`,
});

/**
 * The filing columns (SPEC §7), each a predicate over an (enterprise, year) row's `expected` (a CQO
 * in post on the window's opening day), `report` (the report's status, null for none) and `late`.
 * An enterprise with neither a CQO then nor a report satisfies none of them, so it counts nowhere.
 * The recounts count rows that satisfy each predicate; the deltas (`consumeFilingDeltas`) add the
 * difference a report change made to them.
 */
const FILING_COLUMNS: [column: string, predicate: (expected: string, report: string, late: string) => string][] = [
  ['expected', (e) => e],
  ['filed', (e, r) => `${e} AND ${r} IN ('submitted', 'accepted')`],
  ['on_time', (e, r, l) => `${e} AND ${r} IN ('submitted', 'accepted') AND NOT ${l}`],
  ['accepted', (e, r) => `${e} AND ${r} = 'accepted'`],
  ['not_started', (e, r) => `${e} AND ${r} IS NULL`],
  ['draft', (_, r) => `${r} = 'draft'`],
  ['awaiting', (_, r) => `${r} = 'submitted'`],
  ['returned', (_, r) => `${r} = 'returned'`],
  ['late', (_, r, l) => `${l} AND ${r} IN ('submitted', 'accepted')`],
];

const FILINGS_SELECT = FILING_COLUMNS.map(([c, p]) => `count(*) FILTER (WHERE ${p('expected', 'report', 'late')})::int AS ${c}`).join(',\n         ');

/** The count columns over `judged` (shared by the one-year and the several-years statements); `asOf` is the as-of date expression. */
function countsSelect(asOf: string): string {
  const dist = (values: readonly string[], expr: string, prefix: string) =>
    values.map((v, i) => `count(*) FILTER (WHERE ${expr} = '${v}')::int AS ${col(prefix, i)}`).join(',\n         ');
  return `count(*)::int AS total,
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
         ${FILINGS_SELECT},
         coalesce(sum(v_open), 0)::int AS v_open,
         coalesce(sum(v_total), 0)::int AS v_total,
         count(*) FILTER (WHERE term_end BETWEEN ${asOf} AND ${asOf} + ${ENDING_DAYS})::int AS ending,
         count(*) FILTER (WHERE disqualified)::int AS disqualified,
         ${dist(EDUCATION_LEVELS, 'education', 'edu')},
         ${dist(TITLES, 'title', 'title')},
         ${dist(POSITION_LEVELS, 'position_level', 'pos')}`;
}

/**
 * One statement computing the counts of every region that directly holds enterprises (grouped by
 * the enterprise's own region code). Parents are sums of these (see `rollUp`). The province-wide
 * raw query of the benchmark is this statement without the GROUP BY.
 */
export function ownCountsSql(filterSql: (alias: string) => string, groupBy = true, training: TrainingScan = 'people', dated = false): string {
  const d = datedTerms(dated);
  // On a past date an enterprise counts in its region then (issue 17: moved since → its old region).
  const inRegion = (alias: string, id: string) => (dated ? IN_REGION_ON(alias, id, 'moved', filterSql) : filterSql(alias));
  return `
    WITH ${dated ? `moved AS MATERIALIZED (${MOVED_SINCE('$2')}), ` : ''}act AS (
      SELECT DISTINCT ON (a.enterprise_id) a.enterprise_id, a.person_id, ${VERDICT_ON('a', 'vo')} AS verdict,
             ${DISQUALIFIED_ON('a', 'vo')} AS disqualified, a.education,
             coalesce(a.qualification_level, '无') AS title, a.position_level, a.appointed_on, a.term_end
        FROM appointment a
        LEFT JOIN verdict_on vo ON vo.as_of = $2::date AND vo.appointment_id = a.id
       WHERE ${inRegion('a', 'enterprise_id')} AND ${ACTIVE_ON('a', '$2')}
       ORDER BY a.enterprise_id, a.effective_from DESC
    ), expected AS (
      SELECT DISTINCT a.enterprise_id FROM appointment a WHERE ${inRegion('a', 'enterprise_id')} AND ${ACTIVE_ON('a', '$3')}
    ), awarded AS (
      -- The list as it stood on D; an award whose year is not known (SPEC §8) counts for every year.
      SELECT DISTINCT w.enterprise_id FROM ${AWARDS_ON('$2')} w WHERE coalesce(w.year, 0) <= $1
    ), hours AS MATERIALIZED (
      SELECT t.person_id,
             coalesce(sum(t.hours) FILTER (WHERE t.category = '继续教育(第一类)'), 0) AS first,
             coalesce(sum(t.hours) FILTER (WHERE t.category = '第二类'), 0) AS second,
             count(*) FILTER (WHERE t.category = '组织培训活动') AS activities
        FROM training_live t
       WHERE t.end_date BETWEEN $4::date AND ${d.periodEnd}${training === 'people' ? ' AND t.person_id IN (SELECT person_id FROM act)' : ''}
       GROUP BY t.person_id
    ), viol AS (
      SELECT v.enterprise_id, count(*) FILTER (WHERE ${d.violationOpen}) AS open,
             count(*) FILTER (WHERE v.occurred_on BETWEEN $4::date AND ${d.periodEnd}) AS total
        FROM violation v${d.violationJoin} WHERE ${inRegion('v', 'enterprise_id')} GROUP BY v.enterprise_id
    ), judged AS (
      SELECT ${d.regionCode} AS region_code, ${d.aboveSize} AS above_size, w.enterprise_id IS NOT NULL AS award, act.enterprise_id IS NOT NULL AS appointed,
             act.verdict, act.disqualified, act.education, act.title, act.position_level, act.term_end,
             x.enterprise_id IS NOT NULL AS expected, ${d.reportStatus} AS report, coalesce(r.late, false) AS late,
             coalesce(viol.open, 0) AS v_open, coalesce(viol.total, 0) AS v_total,
             ($6::boolean AND act.enterprise_id IS NOT NULL AND ${YEARLY_TRAINING.applies('act', '$4::date', '$5::date')}) AS training_applies,
             ${YEARLY_TRAINING.met(HOURS('h'), { first: '$7', second: '$8', total: '$9', activities: '$10' })} AS training_met
        FROM enterprise e
        LEFT JOIN act ON act.enterprise_id = e.id
        LEFT JOIN expected x ON x.enterprise_id = e.id
        LEFT JOIN awarded w ON w.enterprise_id = e.id
        LEFT JOIN hours h ON h.person_id = act.person_id
        LEFT JOIN annual_report r ON r.enterprise_id = e.id AND r.year = $1${d.stateJoin}
        LEFT JOIN viol ON viol.enterprise_id = e.id
       WHERE ${inRegion('e', 'id')} AND ${OPEN_ON('e.id', '$2')}
    )
    SELECT ${groupBy ? 'region_code' : `'total'::text AS region_code`},
         ${countsSelect('$2::date')}
      FROM judged
      ${groupBy ? 'GROUP BY region_code' : ''}`;
}

/**
 * The terms of `ownCountsSql` that depend on whether the as-of date $2 is past (issue 17 item 1).
 * For a past date: the enterprise's 规上 from its dated state (`enterprise_state`); the report's
 * status on D from its history (`report_event`; a report with no change by D is a draft if it
 * existed, none otherwise); a violation open on D if it occurred by D and its status on D
 * (`violation_status_change`) was open; training and violations of the year up to D. For today:
 * the current state.
 */
function datedTerms(dated: boolean) {
  const endOfD = END_OF_DAY('$2');
  if (!dated) {
    return { periodEnd: '$5::date', violationOpen: `v.status = 'open'`, violationJoin: '', aboveSize: 'e.above_size', regionCode: 'e.region_code', reportStatus: 'r.status', stateJoin: '' };
  }
  return {
    periodEnd: 'least($5::date, $2::date)',
    violationOpen: `v.occurred_on <= $2::date AND ${VIOLATION_STATUS_ON.status('v')} = 'open'`,
    violationJoin: VIOLATION_STATUS_ON.join('v', '$2'),
    aboveSize: 'coalesce(st.above_size, e.above_size)',
    regionCode: 'coalesce(st.region_code, e.region_code)',
    reportStatus: `CASE WHEN r.id IS NOT NULL THEN coalesce(ro.to_status, CASE WHEN r.created_at < ${endOfD} THEN 'draft' END) END`,
    // Set-based (hash joins): a probe per enterprise or report costs a random read each at province scale.
    stateJoin: `
        LEFT JOIN (${REGISTER_CHANGED_SINCE('$2', ['above_size', 'region_code'])}) st ON st.enterprise_id = e.id
        LEFT JOIN (SELECT DISTINCT ON (ev.report_id) ev.report_id, ev.to_status FROM report_event ev
                    WHERE ev.report_type = 'annual' AND ev.at < ${endOfD}
                      AND ev.report_id IN (SELECT y.id FROM annual_report y WHERE y.year = $1)
                    ORDER BY ev.report_id, ev.at DESC, ev.id DESC) ro ON ro.report_id = r.id`,
  };
}

/**
 * The counts of several years of the enterprises registered directly in `$9` (exact region paths),
 * grouped by year and region code: what an incremental refresh recounts. Each row (enterprise,
 * appointment, ledger entry, report) is read once for all the years instead of once per year —
 * a county's rows lie scattered over the tables, so at province scale the reads are the cost.
 * Same figures as `ownCountsSql` year by year (the refresh e2e compares them with a full rebuild).
 * Parameters: $1 years, $2 as-of dates, $3 window openings, $4 training rule applies, $5–$8 the
 * thresholds (first, second, total, activities), $9 the region paths.
 *
 * `by: 'enterprises'`: $9 is a list of enterprise ids instead (every table read through its
 * enterprise index: what one changed enterprise costs, whatever the size of its county); with
 * `perEnterprise` each enterprise is its own row (`enterprise_id`): its contribution to every
 * count, all of which are additive per enterprise (issue 16, see `stat_contrib`).
 */
export function ownCountsYearsSql(by: 'paths' | 'enterprises' = 'paths', perEnterprise = false): string {
  // The one "in post on D" predicate (issue 19 item 2), over the per-year dates.
  const active = (date: string) => ACTIVE_ON('a', date);
  const only = (alias: string, id: string) => (by === 'paths' ? `${alias}.region_path = ANY($9::text[])` : `${alias}.${id} = ANY($9::uuid[])`);
  const ent = perEnterprise ? 'enterprise_id, ' : '';
  return `
    WITH yrs AS (
      SELECT y.year, y.as_of, y.window_opens, make_date(y.year, 1, 1) AS starts, make_date(y.year, 12, 31) AS ends,
             y.has_rule, y.min_first, y.min_second, y.min_total, y.min_activities
        FROM unnest($1::int[], $2::date[], $3::date[], $4::boolean[], $5::numeric[], $6::numeric[], $7::numeric[], $8::int[])
             AS y(year, as_of, window_opens, has_rule, min_first, min_second, min_total, min_activities)
    ), ents AS MATERIALIZED (
      SELECT e.id, e.region_code, e.above_size FROM enterprise e WHERE ${only('e', 'id')}
    ), apps AS MATERIALIZED (
      SELECT a.id, a.enterprise_id, a.person_id, a.verdict, a.disqualified, a.education, coalesce(a.qualification_level, '无') AS title,
             a.position_level, a.appointed_on, a.term_end, a.effective_from, a.ended_on
        FROM appointment a WHERE ${only('a', 'enterprise_id')}
    ), act AS MATERIALIZED (
      SELECT DISTINCT ON (y.year, a.enterprise_id) y.year, a.enterprise_id, a.person_id, ${VERDICT_ON('a', 'vo')} AS verdict,
             ${DISQUALIFIED_ON('a', 'vo')} AS disqualified, a.education, a.title, a.position_level, a.appointed_on, a.term_end
        FROM apps a JOIN yrs y ON ${active('y.as_of')}
        LEFT JOIN verdict_on vo ON vo.as_of = y.as_of AND vo.appointment_id = a.id
       ORDER BY y.year, a.enterprise_id, a.effective_from DESC
    ), expected AS (
      SELECT DISTINCT y.year, a.enterprise_id FROM apps a JOIN yrs y ON ${active('y.window_opens')}
    ), awards AS (
      SELECT w.enterprise_id, min(coalesce(w.year, 0)) AS first_year FROM enterprise_award w WHERE w.enterprise_id IN (SELECT id FROM ents) GROUP BY w.enterprise_id
    ), hours AS MATERIALIZED (
      -- The CQOs' ledgers through training_record_person_idx (an array of people: one probe each, all years at once).
      SELECT extract(year FROM t.end_date)::int AS year, t.person_id,
             coalesce(sum(t.hours) FILTER (WHERE t.category = '继续教育(第一类)'), 0) AS first,
             coalesce(sum(t.hours) FILTER (WHERE t.category = '第二类'), 0) AS second,
             count(*) FILTER (WHERE t.category = '组织培训活动') AS activities
        FROM training_live t
       WHERE t.person_id = ANY (ARRAY(SELECT DISTINCT person_id FROM act))
         AND t.end_date BETWEEN make_date((SELECT min(year) FROM yrs), 1, 1) AND make_date((SELECT max(year) FROM yrs), 12, 31)
       GROUP BY 1, 2
    ), act_hours AS MATERIALIZED (
      -- Joined apart: inside the big join the planner merges on the year alone and filters people pair by pair.
      SELECT act.*, h.first, h.second, h.activities FROM act LEFT JOIN hours h ON h.person_id = act.person_id AND h.year = act.year
    ), viol AS (
      SELECT y.year, v.enterprise_id, count(*) FILTER (WHERE v.status = 'open') AS open,
             count(*) FILTER (WHERE v.occurred_on BETWEEN y.starts AND y.ends) AS total
        FROM violation v CROSS JOIN yrs y WHERE ${only('v', 'enterprise_id')} GROUP BY 1, 2
    ), reports AS (
      SELECT r.enterprise_id, r.year, r.status, r.late FROM annual_report r
       WHERE r.year = ANY($1::int[]) AND ${only('r', 'enterprise_id')}
    ), judged AS (
      SELECT y.year, y.as_of, e.id AS enterprise_id, e.region_code, e.above_size, coalesce(w.first_year <= y.year, false) AS award, act.enterprise_id IS NOT NULL AS appointed,
             act.verdict, act.disqualified, act.education, act.title, act.position_level, act.term_end,
             x.enterprise_id IS NOT NULL AS expected, r.status AS report, coalesce(r.late, false) AS late,
             coalesce(viol.open, 0) AS v_open, coalesce(viol.total, 0) AS v_total,
             (y.has_rule AND act.enterprise_id IS NOT NULL AND ${YEARLY_TRAINING.applies('act', 'y.starts', 'y.ends')}) AS training_applies,
             ${YEARLY_TRAINING.met(HOURS('act'), { first: 'y.min_first', second: 'y.min_second', total: 'y.min_total', activities: 'y.min_activities' })} AS training_met
        FROM ents e
        CROSS JOIN yrs y
        LEFT JOIN act_hours act ON act.enterprise_id = e.id AND act.year = y.year
        LEFT JOIN expected x ON x.enterprise_id = e.id AND x.year = y.year
        LEFT JOIN awards w ON w.enterprise_id = e.id
        LEFT JOIN reports r ON r.enterprise_id = e.id AND r.year = y.year
        LEFT JOIN viol ON viol.enterprise_id = e.id AND viol.year = y.year
       WHERE ${OPEN_ON('e.id', 'y.as_of')}
    )
    SELECT year, ${ent}region_code,
         ${countsSelect('as_of')}
      FROM judged
     GROUP BY year, as_of, ${ent}region_code`;
}

/**
 * The enterprises of the subtree `$3` whose counts as of today can differ from their counts as of
 * an earlier day `from` with nothing recorded in between (issue 16, the day rolling over): an
 * appointment took effect, ended, ran out or entered the “即将到期” window, or the enterprise was
 * closed or reopened. Every other count of `ownCountsYearsSql` for a current year reads no date but
 * the year's own (its window opening, Jan 1, Dec 31) and the records' current state.
 */
export async function rolledEnterprises(m: EntityManager, from: string, to: string, subtree: string): Promise<string[]> {
  const rows: { id: string }[] = await m.query(
    `SELECT e.id FROM enterprise e
      WHERE ${inRegionSql('e', '$3')}
        AND e.id IN (SELECT a.enterprise_id FROM appointment a WHERE ${ACTIVE_MOVED('a', '$1', '$2', ENDING_DAYS)}
                     UNION ALL ${OPEN_MOVED('$1', '$2')})`,
    [from, to, subtree],
  );
  return rows.map((r) => r.id);
}

/** The parameters of `ownCountsYearsSql` for these years and region paths. */
export function yearsParams(years: YearParams[], paths: string[]): unknown[] {
  const t = (p: YearParams) => p.training;
  return [
    years.map((p) => p.year),
    years.map((p) => p.asOf),
    years.map((p) => p.windowOpens),
    years.map((p) => t(p) !== null),
    years.map((p) => t(p)?.first ?? 0),
    years.map((p) => t(p)?.second ?? 0),
    years.map((p) => t(p)?.total ?? 0),
    years.map((p) => t(p)?.activities ?? 0),
    paths,
  ];
}

/** Violations of the year by type, per region code (a small table; counted apart from the scan). */
export function violationTypesSql(filterSql: (alias: string) => string, dated = false): string {
  // $1 Jan 1, $2 Dec 31 (or the as-of date if past and earlier), $4 the as-of date (see datedTerms).
  const open = dated ? `v.occurred_on <= $4::date AND ${VIOLATION_STATUS_ON.status('v')} = 'open'` : `v.status = 'open'`;
  // As ownCountsSql: the enterprise's region on the date, and only while it is open.
  const moved = `(${MOVED_SINCE('$4')})`;
  return `SELECT ${dated ? 'coalesce(mr.region_code, e.region_code)' : 'e.region_code'}, v.type, count(*) FILTER (WHERE ${open})::int AS open,
                 count(*) FILTER (WHERE v.occurred_on BETWEEN $1::date AND $2::date)::int AS total
            FROM violation v JOIN enterprise e ON e.id = v.enterprise_id${dated ? VIOLATION_STATUS_ON.join('v', '$4') + `
            LEFT JOIN ${moved} mr ON mr.enterprise_id = e.id` : ''}
           WHERE ${dated ? IN_REGION_ON('v', 'enterprise_id', moved, filterSql) : filterSql('v')} AND ${OPEN_ON('e.id', '$4')}
           GROUP BY 1, 2`;
}

export function filterSql(filter: EnterpriseFilter, paramIndex: number): (alias: string) => string {
  return 'subtree' in filter
    ? (alias) => inRegionSql(alias, `$${paramIndex}`)
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

function filingsOf(r: Row): StatCounts['filings'] {
  const n = (k: string) => Number(r[k] ?? 0);
  return {
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
}

function countsOf(r: Row): StatCounts {
  const n = (k: string) => Number(r[k] ?? 0);
  const c = emptyCounts();
  c.enterprises = { total: n('total'), aboveSize: n('above'), sme: n('sme'), award: n('award') };
  c.appointed = { total: n('appointed'), aboveSize: n('appointed_above'), sme: n('appointed_sme'), award: n('appointed_award') };
  c.eligible = n('eligible');
  c.training = { applicable: n('training_applicable'), compliant: n('training_compliant') };
  c.filings = filingsOf(r);
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
  const rows: Row[] = await m.query(ownCountsSql(where, true, training, p.dated), [...params, filterParam(filter)]);
  const out = new Map<string, StatCounts>();
  for (const r of rows) out.set(String(r.region_code), countsOf(r));
  const yearEnd = `${p.year}-12-31`;
  const types: { region_code: string; type: ViolationType; open: number; total: number }[] = await m.query(
    violationTypesSql(filterSql(filter, 3), p.dated),
    [`${p.year}-01-01`, p.dated && p.asOf < yearEnd ? p.asOf : yearEnd, filterParam(filter), p.asOf],
  );
  for (const t of types) {
    const c = out.get(t.region_code);
    if (c && (t.open > 0 || t.total > 0)) c.violations.byType[t.type] = { open: t.open, total: t.total };
  }
  return out;
}

/** One enterprise's part of a year's counts: its region (as counted) and its counts (`flatCounts`). */
export interface Contribution {
  regionCode: string;
  counts: FlatCounts;
}

/**
 * Each enterprise's contribution to the counts of several years (year → enterprise id →
 * contribution): of the enterprises registered directly in `paths` (a county recount), or of the
 * listed enterprises (`{ enterprises }`: the changed ones). An enterprise no year counts (closed)
 * has no entry. Same figures as `ownCountsSql` once summed per region (`sumContributions`).
 */
export async function contributionsYears(m: EntityManager, which: { paths: string[] } | { enterprises: string[] }, years: YearParams[]): Promise<Map<number, Map<string, Contribution>>> {
  const out = new Map<number, Map<string, Contribution>>(years.map((p) => [p.year, new Map()]));
  const by = 'paths' in which ? 'paths' : 'enterprises';
  const list = 'paths' in which ? which.paths : which.enterprises;
  if (!years.length || !list.length) return out;
  const rows: Row[] = await m.query(ownCountsYearsSql(by, true), yearsParams(years, list));
  const counts = new Map<string, StatCounts>();
  for (const r of rows) {
    const c = countsOf(r);
    counts.set(`${r.year}/${r.enterprise_id}`, c);
    out.get(Number(r.year))?.set(String(r.enterprise_id), { regionCode: String(r.region_code), counts: {} });
  }
  const only = by === 'paths' ? 'v.region_path = ANY($2::text[])' : 'v.enterprise_id = ANY($2::uuid[])';
  const types: { year: number; enterprise_id: string; type: ViolationType; open: number; total: number }[] = await m.query(
    `SELECT y.year, v.enterprise_id, v.type, count(*) FILTER (WHERE v.status = 'open')::int AS open,
            count(*) FILTER (WHERE v.occurred_on BETWEEN make_date(y.year, 1, 1) AND make_date(y.year, 12, 31))::int AS total
       FROM violation v CROSS JOIN unnest($1::int[], $3::date[]) AS y(year, as_of)
      WHERE ${only} AND ${OPEN_ON('v.enterprise_id', 'y.as_of')}
      GROUP BY 1, 2, 3`,
    [years.map((p) => p.year), list, years.map((p) => p.asOf)],
  );
  for (const t of types) {
    const c = counts.get(`${t.year}/${t.enterprise_id}`);
    if (c && (t.open > 0 || t.total > 0)) c.violations.byType[t.type] = { open: t.open, total: t.total };
  }
  for (const [key, c] of counts) {
    const [year, id] = key.split('/');
    out.get(Number(year))!.get(id)!.counts = flatCounts(c);
  }
  return out;
}

/**
 * Each count column of `countsSelect` and the flat key (`flatCounts`) its value lands on: the
 * column → key table the set-based hold (`holdContributionsSql`) writes its jsonb with, read off
 * `countsOf` itself so the two can never name a count differently.
 */
export function contributionKeys(): [column: string, key: string][] {
  const columns = [...countsSelect('x').matchAll(/ AS (\w+)/g)].map((x) => x[1]);
  return columns.map((column) => {
    const keys = Object.keys(flatCounts(countsOf({ [column]: 1 })));
    if (keys.length !== 1) throw new Error(`count column ${column} maps to ${keys.length} keys`);
    return [column, keys[0]];
  });
}

/**
 * Holds the contributions of the enterprises registered directly in the region paths $9 for the
 * years $1… (the parameters of `yearsParams`): every enterprise's part (`contributionsYears`'
 * figures, as the flat jsonb `flatCounts` gives) is written to `stat_contrib` inside the server,
 * with no row sent to the process (issue 16: a county's first change after a rebuild sent its
 * 55,891 parts to the worker and back, 15.2 s). It replaces what these counties held: a part
 * equal to the held one is left as it is (the nightly recount counts every county again and
 * finds nearly every part unchanged: rewriting them all left 1M dead rows a night, and the next
 * reads of parts stepped over them, 20 ms → 0.8–1.8 s for a day's 2,263 moved enterprises at
 * 1M), a different one is updated, a new one inserted, and a part of these counties whose
 * enterprise is no longer counted in them (moved away, closed) deleted. A part another county
 * holds (an enterprise moved in, its change not drained yet) is left there. Answers nothing;
 * `heldSums` reads the sums.
 */
export function holdContributionsSql(): string {
  const pairs = contributionKeys().map(([column, key]) => `'${key.replace(/'/g, "''")}', nullif(c.${column}, 0)`);
  // jsonb_build_object takes at most 100 arguments: built in pieces and concatenated.
  const pieces: string[] = [];
  for (let i = 0; i < pairs.length; i += 40) pieces.push(`jsonb_strip_nulls(jsonb_build_object(${pairs.slice(i, i + 40).join(', ')}))`);
  return `
    WITH c AS MATERIALIZED (${ownCountsYearsSql('paths', true)}
    ), t AS (
      SELECT year, enterprise_id, jsonb_object_agg(key, n) AS counts
        FROM (SELECT y.year, v.enterprise_id, v.type, count(*) FILTER (WHERE v.status = 'open')::int AS open,
                     count(*) FILTER (WHERE v.occurred_on BETWEEN make_date(y.year, 1, 1) AND make_date(y.year, 12, 31))::int AS total
                FROM violation v CROSS JOIN unnest($1::int[], $2::date[]) AS y(year, as_of)
               WHERE v.region_path = ANY($9::text[]) AND ${OPEN_ON('v.enterprise_id', 'y.as_of')}
               GROUP BY 1, 2, 3) vt
        CROSS JOIN LATERAL (VALUES ('violations.byType.' || vt.type || '.open', vt.open), ('violations.byType.' || vt.type || '.total', vt.total)) AS k(key, n)
       WHERE k.n > 0
       GROUP BY 1, 2
    ), fresh AS MATERIALIZED (
      SELECT c.year, c.enterprise_id, c.region_code, ${pieces.join(' || ')} || coalesce(t.counts, '{}'::jsonb) AS counts
        FROM c LEFT JOIN t ON t.year = c.year AND t.enterprise_id = c.enterprise_id
    ), kept AS (
      INSERT INTO stat_contrib (year, enterprise_id, region_code, counts)
      SELECT year, enterprise_id, region_code, counts FROM fresh
      ON CONFLICT (year, enterprise_id) DO UPDATE SET region_code = EXCLUDED.region_code, counts = EXCLUDED.counts
       WHERE (stat_contrib.region_code, stat_contrib.counts) IS DISTINCT FROM (EXCLUDED.region_code, EXCLUDED.counts)
         -- A part held in a county not recounted here (the enterprise moved in, its change not drained
         -- yet) stays there: that county's counts include it, and the drain of the move takes it out.
         AND stat_contrib.region_code IN (SELECT r.code FROM region r WHERE r.path = ANY($9::text[]))
    )
    DELETE FROM stat_contrib s
     WHERE s.year = ANY($1::int[]) AND s.region_code IN (SELECT r.code FROM region r WHERE r.path = ANY($9::text[]))
       AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.year = s.year AND f.enterprise_id = s.enterprise_id)`;
}

/** The held parts of a year summed per region code (flat counts), for the given region codes. */
export async function heldSums(m: EntityManager, year: number, codes: string[]): Promise<Map<string, FlatCounts>> {
  const out = new Map<string, FlatCounts>();
  if (!codes.length) return out;
  const rows: { region_code: string; key: string; n: number }[] = await m.query(
    `SELECT c.region_code, k.key, sum(k.value::int)::int AS n
       FROM stat_contrib c CROSS JOIN LATERAL jsonb_each_text(c.counts) AS k(key, value)
      WHERE c.year = $1 AND c.region_code = ANY($2::varchar[])
      GROUP BY 1, 2`,
    [year, codes],
  );
  for (const r of rows) {
    if (!out.has(r.region_code)) out.set(r.region_code, {});
    if (Number(r.n) !== 0) out.get(r.region_code)![r.key] = Number(r.n);
  }
  return out;
}

/** The held parts of some enterprises for a year, with the county each was held in. */
export async function heldOf(m: EntityManager, year: number, enterpriseIds: string[]): Promise<{ enterprise_id: string; region_code: string; counts: FlatCounts }[]> {
  if (!enterpriseIds.length) return [];
  return m.query(`SELECT enterprise_id, region_code, counts FROM stat_contrib WHERE year = $1 AND enterprise_id = ANY($2::uuid[])`, [year, enterpriseIds]);
}

/** Keeps enterprises' parts of a year (`stat_contrib`), 5,000 rows a statement. */
export async function keepContributions(m: EntityManager, year: number, parts: Map<string, Contribution>): Promise<void> {
  const rows = [...parts].map(([id, c]) => ({ id, region: c.regionCode, counts: c.counts }));
  for (let i = 0; i < rows.length; i += 5000) {
    await m.query(
      `INSERT INTO stat_contrib (year, enterprise_id, region_code, counts)
       SELECT $1, x.id, x.region, x.counts FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, region text, counts jsonb)`,
      [year, JSON.stringify(rows.slice(i, i + 5000))],
    );
  }
}

/** Drops the held parts of some enterprises for a year (the drain reads them first, then keeps their new parts). */
export async function dropContributions(m: EntityManager, year: number, enterprises: string[]): Promise<void> {
  if (enterprises.length) await m.query(`DELETE FROM stat_contrib WHERE year = $1 AND enterprise_id = ANY($2::uuid[])`, [year, enterprises]);
}

/** Drops every held part of the years a full rebuild replaces. */
export async function dropContributionYears(m: EntityManager, years: number[]): Promise<void> {
  await m.query(`DELETE FROM stat_contrib WHERE year = ANY($1::int[])`, [years]);
}

/** Counts as their non-zero leaves, keyed by path (`enterprises.total`, `violations.byType.x.open`): an enterprise's part is a few of them. */
export type FlatCounts = Record<string, number>;

export function flatCounts(c: StatCounts): FlatCounts {
  const out: FlatCounts = {};
  const walk = (o: Record<string, unknown>, prefix: string) => {
    for (const [k, v] of Object.entries(o)) {
      if (typeof v === 'number') {
        if (v !== 0) out[prefix + k] = v;
      } else if (v && typeof v === 'object') walk(v as Record<string, unknown>, `${prefix}${k}.`);
    }
  };
  walk(c as unknown as Record<string, unknown>, '');
  return out;
}

/** `into` += sign × `add`, leaf by leaf (zero leaves dropped). */
export function addFlat(into: FlatCounts, add: FlatCounts, sign: 1 | -1 = 1): void {
  for (const [k, v] of Object.entries(add)) {
    const n = (into[k] ?? 0) + sign * v;
    if (n === 0) delete into[k];
    else into[k] = n;
  }
}

/** Flat counts back as `StatCounts`, shaped as `countsOf` shapes them (distributions and violation types only where non-zero). */
export function unflatCounts(f: FlatCounts): StatCounts {
  const c = emptyCounts() as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(f)) {
    const parts = k.split('.');
    let o = c as Record<string, unknown>;
    for (const p of parts.slice(0, -1)) o = (o[p] ??= {}) as Record<string, unknown>;
    o[parts.at(-1)!] = v;
  }
  const counts = c as unknown as StatCounts;
  for (const t of Object.values(counts.violations.byType)) {
    if (!t) continue;
    t.open ??= 0;
    t.total ??= 0;
  }
  return counts;
}

/**
 * Takes every row of `stat_delta` (the report changes left by the `annual_report` triggers) and
 * answers, per held year and region path, what they add to each filing count: for each change the
 * columns its new state satisfies minus those its old state did, with `expected` judged now (a CQO
 * in post on the year's window opening, as the recounts judge it). Rows of other years are taken
 * and dropped: no snapshot holds those years. Run it in the same snapshot as any recount of the
 * run (a REPEATABLE READ transaction), so a change is either in a recount or in a delta, never both.
 */
export async function consumeFilingDeltas(m: EntityManager, years: { year: number; windowOpens: string; asOf: string }[]): Promise<{ year: number; regionPath: string; filings: StatCounts['filings'] }[]> {
  const state = (side: 'old' | 'new') => (p: (e: string, r: string, l: string) => string) => `((${p('j.expected', `j.${side}_status`, `j.${side}_late`)}) IS TRUE)::int`;
  const rows: (Row & { year: number; region_path: string })[] = await m.query(
    `WITH d AS (
       DELETE FROM stat_delta RETURNING year, region_path, enterprise_id, old_status, old_late, new_status, new_late
     ), yrs AS (
       SELECT y.year, y.window_opens, y.as_of FROM unnest($1::int[], $2::date[], $3::date[]) AS y(year, window_opens, as_of)
     ), j AS (
       -- A closed enterprise's report changes are taken and dropped: the recounts leave it out (issue 17).
       SELECT d.*, EXISTS (SELECT 1 FROM appointment a WHERE a.enterprise_id = d.enterprise_id AND ${ACTIVE_ON('a', 'y.window_opens')}) AS expected
         FROM d JOIN yrs y ON y.year = d.year
        WHERE ${OPEN_ON('d.enterprise_id', 'y.as_of')}
     )
     SELECT j.year, j.region_path,
            ${FILING_COLUMNS.map(([c, p]) => `sum(${state('new')(p)} - ${state('old')(p)})::int AS ${c}`).join(', ')}
       FROM j GROUP BY j.year, j.region_path`,
    [years.map((y) => y.year), years.map((y) => y.windowOpens), years.map((y) => y.asOf)],
  );
  return rows.map((r) => ({ year: Number(r.year), regionPath: String(r.region_path), filings: filingsOf(r) }));
}

/**
 * Takes the report changes (`stat_delta`) of the held counties (`stat_contrib_region`) for the
 * given years and answers their enterprises: recounting an enterprise takes its change in, as its
 * held part did not have it.
 */
export async function takeHeldDeltas(m: EntityManager, years: number[]): Promise<{ year: number; enterprise_id: string }[]> {
  return m.query(
    `WITH d AS (DELETE FROM stat_delta d USING stat_contrib_region c JOIN region r ON r.code = c.region_code
                 WHERE c.year = d.year AND r.path = d.region_path AND d.year = ANY($1::int[]) RETURNING d.year, d.enterprise_id)
     SELECT year, enterprise_id FROM d`,
    [years],
  );
}

/** Drops the deltas of years a full recount has just counted (call it in the recount's snapshot). */
export async function dropFilingDeltas(m: EntityManager, years: number[]): Promise<void> {
  await m.query(`DELETE FROM stat_delta WHERE year = ANY($1::int[])`, [years]);
}
