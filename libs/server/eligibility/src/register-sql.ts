/**
 * The register as it stood on a past date (issue 17, SPEC §8: "a later import or edit starts a new
 * dated state"). `enterprise_state` keeps every state of an enterprise from the day it was written;
 * an enterprise whose state changed after D is the only one whose state on D differs from today's
 * row. So the state on D is read only for those (`REGISTER_CHANGED_SINCE`, a hash join: no probe
 * per enterprise, which would cost a random read each at province scale and tip the planner into
 * JIT), and everyone else keeps today's row: `coalesce(<alias>.<column>, e.<column>)`.
 *
 * `REGISTER_CHANGED_SINCE(dateParam, columns)`: a query giving `enterprise_id` and `columns` of the
 * state on the date for the enterprises changed after it.
 */
export const REGISTER_CHANGED_SINCE = (dateParam: string, columns: readonly string[]) => `
  SELECT DISTINCT ON (s.enterprise_id) s.enterprise_id, ${columns.map((c) => `s.${c}`).join(', ')}
    FROM enterprise_state s
   WHERE s.valid_from <= ${dateParam}::date
     AND s.enterprise_id IN (SELECT c.enterprise_id FROM enterprise_state c WHERE c.valid_from > ${dateParam}::date)
   ORDER BY s.enterprise_id, s.valid_from DESC`;

/**
 * The award list as it stood on the date in `dateParam` (SPEC §7, §8): `enterprise_id, award, year`
 * of the awards on the list that day (`enterprise_award.added_on`, and those removed since:
 * `enterprise_award_removed`). For today it is the list as it is.
 */
export const AWARDS_ON = (dateParam: string) => `(
  SELECT w.enterprise_id, w.award, w.year FROM enterprise_award w WHERE w.added_on <= ${dateParam}::date
  UNION ALL
  SELECT x.enterprise_id, x.award, x.year FROM enterprise_award_removed x WHERE x.added_on <= ${dateParam}::date AND x.removed_on > ${dateParam}::date)`;

/**
 * The enterprise whose id is `idExpr` was open on the date in `dateParam` (issue 17): no closing
 * (`enterprise_closure`: 注销/吊销/迁出) held on it. A closed enterprise counts in the figures of the
 * days before its closing date only, and again from the day it was reopened.
 */
export const OPEN_ON = (idExpr: string, dateParam: string) =>
  `NOT EXISTS (SELECT 1 FROM enterprise_closure cl WHERE cl.enterprise_id = ${idExpr} AND cl.closed_on <= ${dateParam}::date
                  AND (cl.reopened_on IS NULL OR cl.reopened_on > ${dateParam}::date))`;

/** The enterprises whose `OPEN_ON` answer differs between the dates in `fromParam` and `toParam` (from < to): closed or reopened in between. */
export const OPEN_MOVED = (fromParam: string, toParam: string) =>
  `SELECT cl.enterprise_id FROM enterprise_closure cl
    WHERE (cl.closed_on > ${fromParam}::date AND cl.closed_on <= ${toParam}::date)
       OR (cl.reopened_on > ${fromParam}::date AND cl.reopened_on <= ${toParam}::date)`;

/**
 * The enterprises that lay in another region on the date in `dateParam` than today (moved since,
 * 迁移): `enterprise_id, region_code, region_path` of that date (their dated state). A figure of that
 * date counts them under their region then; every other enterprise is where it is today. Empty for
 * today (no state is valid from a later day).
 */
export const MOVED_SINCE = (dateParam: string) => `
  SELECT s.enterprise_id, s.region_code, s.region_path
    FROM (${REGISTER_CHANGED_SINCE(dateParam, ['region_code', 'region_path'])}) s JOIN enterprise me ON me.id = s.enterprise_id
   WHERE s.region_path <> me.region_path`;

/**
 * Row `alias` (its enterprise in `alias.<idColumn>`) lay in the region on the date of `moved` (a
 * relation of `MOVED_SINCE` rows): by today's region path unless its enterprise moved since, else by
 * the path of that date. `inRegion(a)` is the region test on `a.region_path` (a subtree LIKE, or paths).
 */
export const IN_REGION_ON = (alias: string, idColumn: string, moved: string, inRegion: (a: string) => string) =>
  `((${inRegion(alias)} AND ${alias}.${idColumn} NOT IN (SELECT mv.enterprise_id FROM ${moved} mv))
     OR ${alias}.${idColumn} IN (SELECT mv.enterprise_id FROM ${moved} mv WHERE ${inRegion('mv')}))`;

/** The instant the (China) day in `dateParam` ends: what happened before it had happened on that day. */
export const END_OF_DAY = (dateParam: string) => `((${dateParam}::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')`;

/**
 * A violation's status on the date in `dateParam` (its history, `violation_status_change`): the
 * status after the last change before the end of that day, else the one before the first change
 * after it, else the current one. `join` adds the two lookups (set-based), `status` reads them.
 */
export const VIOLATION_STATUS_ON = {
  join: (v: string, dateParam: string) => {
    const endOfD = END_OF_DAY(dateParam);
    return `
        LEFT JOIN (SELECT DISTINCT ON (c.violation_id) c.violation_id, c.to_status FROM violation_status_change c
                    WHERE c.changed_at < ${endOfD} ORDER BY c.violation_id, c.changed_at DESC, c.id DESC) vs_before ON vs_before.violation_id = ${v}.id
        LEFT JOIN (SELECT DISTINCT ON (c.violation_id) c.violation_id, c.from_status FROM violation_status_change c
                    WHERE c.changed_at >= ${endOfD} ORDER BY c.violation_id, c.changed_at, c.id) vs_after ON vs_after.violation_id = ${v}.id`;
  },
  status: (v: string) => `coalesce(vs_before.to_status, vs_after.from_status, ${v}.status)`,
};
