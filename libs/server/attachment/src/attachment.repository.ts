import { Injectable } from '@nestjs/common';
import { type QueryRunner } from 'typeorm';
import { inRegionSql, regionSubtreePattern } from '@cqo/server-auth';
import { ACTIVE_ON, AWARDS_ON, DISQUALIFIED_ON, IN_REGION_ON, MOVED_SINCE, OPEN_ON, REGISTER_CHANGED_SINCE, VERDICT_ON } from '@cqo/server-eligibility';
import type { AttachmentRow } from './attachment-layout';
import { PoolRepository } from '@cqo/server-database';

export interface AttachmentRegion {
  code: string;
  name: string;
  level: number;
  path: string;
}

/**
 * The enterprises of a subtree with their active appointment on $2, exactly as the statistics
 * count them (libs/server/stats/src/aggregate.sql.ts: latest appointment in effect per
 * enterprise, both the appointment's and the enterprise's region path in the subtree), so the
 * row count equals `cqo stats`' `appointed.total`; the verdict is the one on $2 (kept for a past
 * date, stored for today: `VERDICT_ON`), as the statistics count it. An enterprise is in the
 * region it lay in on $2 (`moved`: those that moved since, issue 17) and counted while open on $2.
 *   $1 subtree LIKE pattern, $2 as-of date, $3 year, $4 Jan 1, $5 Dec 31 of the year.
 */
const inSubtree = (alias: string) => inRegionSql(alias, '$1');
const ACT = `
  moved AS MATERIALIZED (${MOVED_SINCE('$2')}),
  act AS (
    SELECT DISTINCT ON (a.enterprise_id) a.*, ${VERDICT_ON('a', 'vo')} AS verdict_on, ${DISQUALIFIED_ON('a', 'vo')} AS disqualified_on
      FROM appointment a
      LEFT JOIN verdict_on vo ON vo.as_of = $2::date AND vo.appointment_id = a.id
     WHERE ${IN_REGION_ON('a', 'enterprise_id', 'moved', inSubtree)} AND ${ACTIVE_ON('a', '$2')}
     ORDER BY a.enterprise_id, a.effective_from DESC
  )`;

/** Sheet 基本情况's rows, sorted by county code then enterprise name (credit code breaks ties). */
export const ATTACHMENT_ROWS_SQL = `
  WITH ${ACT},
  hours AS MATERIALIZED (
    SELECT t.person_id,
           sum(t.hours) FILTER (WHERE t.category = '任职培训')::float8 AS initial,
           -- The year's hours up to the as-of date (Dec 31 for a past year), as the statistics count them on a past date.
           coalesce(sum(t.hours) FILTER (WHERE t.category = '继续教育(第一类)' AND t.end_date BETWEEN $4::date AND least($5::date, $2::date)), 0)::float8 AS first,
           coalesce(sum(t.hours) FILTER (WHERE t.category = '第二类' AND t.end_date BETWEEN $4::date AND least($5::date, $2::date)), 0)::float8 AS second
      FROM training_live t
     WHERE t.person_id IN (SELECT person_id FROM act)
     GROUP BY t.person_id
  ), awards AS MATERIALIZED (
    -- The list as it stood on $2; an award whose year is not known (SPEC §8) is listed without one, in every year.
    SELECT w.enterprise_id, string_agg(w.award || coalesce('（' || w.year || '）', ''), '；' ORDER BY w.year NULLS FIRST, w.award) AS awards
      FROM ${AWARDS_ON('$2')} w
     WHERE coalesce(w.year, 0) <= $3 AND w.enterprise_id IN (SELECT enterprise_id FROM act)
     GROUP BY w.enterprise_id
  )
  SELECT coalesce(st.name, e.name) AS name, e.credit_code, r.name AS county, coalesce(st.industry, e.industry) AS industry,
         coalesce(st.above_size, e.above_size) AS above_size, coalesce(st.ownership, e.ownership) AS ownership, aw.awards,
         act.name AS cqo_name, act.gender, act.birth_month, act.position_title, act.education,
         act.qualification_type, act.qualification_level, act.years_in_quality,
         act.appointed_on::text AS appointed_on, act.term_end::text AS term_end, act.authorisation_cert_no,
         coalesce(h.initial, act.initial_training_hours::float8) AS initial_hours,
         coalesce(h.first, 0) AS first_hours, coalesce(h.second, 0) AS second_hours,
         act.verdict_on AS verdict, act.phone, act.disqualified_on AS disqualified, act.late_filing
    FROM act
    JOIN enterprise e ON e.id = act.enterprise_id AND ${IN_REGION_ON('e', 'id', 'moved', inSubtree)} AND ${OPEN_ON('e.id', '$2')}
    -- The register as it stood on $2 (its dated state, SPEC §8): today's row unless it changed after $2.
    LEFT JOIN (${REGISTER_CHANGED_SINCE('$2', ['name', 'region_code', 'industry', 'above_size', 'ownership'])}) st ON st.enterprise_id = e.id
    JOIN region r ON r.code = coalesce(st.region_code, e.region_code)
    LEFT JOIN hours h ON h.person_id = act.person_id
    LEFT JOIN awards aw ON aw.enterprise_id = e.id
   ORDER BY coalesce(st.region_code, e.region_code), e.name, e.credit_code`;

/** How many rows ATTACHMENT_ROWS_SQL yields ($1 pattern, $2 as-of date). */
export const ATTACHMENT_COUNT_SQL = `
  WITH ${ACT}
  SELECT count(*)::int AS n FROM act JOIN enterprise e ON e.id = act.enterprise_id AND ${IN_REGION_ON('e', 'id', 'moved', inSubtree)} AND ${OPEN_ON('e.id', '$2')}`;

export function attachmentRowParams(regionPath: string, year: number, asOf: string): unknown[] {
  return [regionSubtreePattern(regionPath), asOf, year, `${year}-01-01`, `${year}-12-31`];
}

/** A server-side cursor over the rows; `close` releases its connection (call it in `finally`). */
export interface RowCursor {
  rows: AsyncIterable<AttachmentRow>;
  close(): Promise<void>;
}

/** All SQL of the attachment export. */
@Injectable()
export class AttachmentRepository extends PoolRepository {
  async region(code: string): Promise<AttachmentRegion | null> {
    const [r] = await this.dataSource.query(`SELECT code, name, level, path FROM region WHERE code = $1`, [code]);
    return r ? { code: r.code, name: r.name, level: Number(r.level), path: r.path } : null;
  }

  async children(code: string): Promise<{ code: string; name: string }[]> {
    return this.dataSource.query(`SELECT code, name FROM region WHERE parent_code = $1 ORDER BY code`, [code]);
  }

  async count(regionPath: string, year: number, asOf: string): Promise<number> {
    const [row] = await this.dataSource.query(ATTACHMENT_COUNT_SQL, attachmentRowParams(regionPath, year, asOf).slice(0, 2));
    return Number(row.n);
  }

  /** Streams the rows through pg-query-stream on a connection of its own, so memory stays flat. */
  async rows(regionPath: string, year: number, asOf: string): Promise<RowCursor> {
    const runner: QueryRunner = this.dataSource.createQueryRunner('slave');
    await runner.connect();
    let stream: NodeJS.ReadableStream & { destroy?: () => void };
    try {
      stream = await runner.stream(ATTACHMENT_ROWS_SQL, attachmentRowParams(regionPath, year, asOf));
    } catch (err) {
      await runner.release();
      throw err;
    }
    return {
      rows: stream as unknown as AsyncIterable<AttachmentRow>,
      close: async () => {
        stream.destroy?.();
        await runner.release();
      },
    };
  }
}
