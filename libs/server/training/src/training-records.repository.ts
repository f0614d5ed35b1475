import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import {
  isUuid,
  SHORTFALL_SORT_KEYS,
  type Page,
  type ShortfallSortKey,
  type TrainingCategory,
  type TrainingRecordItem,
  type TrainingYearHours,
} from '@cqo/contracts';
import type { AnnualTrainingRule } from '@cqo/policy';
import { orderBySort, queryWherePage, type PageQueryFields } from '@cqo/server-common';
import { LEDGER_HASH_COLUMNS, type ChainedRecord, type LedgerContent, PoolRepository, type LedgerDraft } from '@cqo/server-database';
import { ACTIVE_TODAY, YEARLY_TRAINING } from '@cqo/server-eligibility';

/** A row of `training_record` with its person, enterprise, reversal and recorder, as the list and the item read it. */
export interface TrainingRecordRow {
  id: string;
  seq: number;
  kind: TrainingRecordItem['kind'];
  person_id: string;
  person_name: string;
  enterprise_id: string | null;
  enterprise_name: string | null;
  category: TrainingCategory;
  course: string;
  provider: string;
  start_date: string;
  end_date: string;
  hours: number;
  certificate_no: string | null;
  source: TrainingRecordItem['source'];
  reverses: string | null;
  reversed_by: string | null;
  reason: string | null;
  recorded_at: Date;
  recorded_by_name: string | null;
  hash: string;
}

/** A record as a reversal reads it: what the reversal copies, and where its enterprise stands (null without one). */
export type ReversibleRecord = Pick<
  TrainingRecordRow,
  'id' | 'kind' | 'person_id' | 'enterprise_id' | 'category' | 'course' | 'provider' | 'start_date' | 'end_date' | 'hours' | 'certificate_no' | 'source'
> & { region_path: string | null };

/** An enterprise with the CQO whose term is running today. */
export interface EnterpriseCqo {
  id: string;
  name: string;
  region_path: string;
  person_id: string | null;
  person_name: string | null;
  appointed_on: string | null;
  term_end: string | null;
}

/** One appointment of a person, with the person's name and where the enterprise stands. */
export interface PersonAppointment {
  name: string;
  enterprise_id: string;
  region_path: string;
  active: boolean;
}

/** A CQO's 任职培训 completed by their appointment: the hours and a certificate number. */
export interface InitialTrainingRow {
  hours: number;
  certificate_no: string | null;
}

/** A CQO judged by the year's training rule (`shortfallJudgedSql`): hours of the year and what they are short of. */
export interface ShortfallRow extends YearHoursRow {
  enterprise_id: string;
  enterprise_name: string;
  region_code: string;
  region_name: string;
  person_id: string;
  person_name: string;
  appointed_on: string;
  term_end: string | null;
  short_hours: number;
  short_activities: number;
}

/** How many CQOs the rule applies to, and how many of them meet it. */
export interface ShortfallSummary {
  applicable: number;
  compliant: number;
}

/** A counted record's course fields by certificate number: what a re-import of that number must match. */
export interface CertifiedRecord {
  certificate_no: string;
  person_id: string;
  category: string;
  course: string;
  provider: string;
  start_date: string;
  end_date: string;
  hours: number;
}

/** A record of the chain as `verify` re-walks it: its hashed content, the hash before it and its own. */
export type ChainRow = LedgerContent & { prevHash: string; storedHash: string };

/** The sums of YEAR_HOURS_SQL. */
export interface YearHoursRow {
  initial: number;
  first: number;
  second: number;
  activities: number;
}

/** Sums of one person's counted records (entries not reversed) in one calendar year. */
export const YEAR_HOURS_SQL = `coalesce(sum(t.hours) FILTER (WHERE t.category = '任职培训'), 0)::float8 AS initial,
  coalesce(sum(t.hours) FILTER (WHERE t.category = '继续教育(第一类)'), 0)::float8 AS first,
  coalesce(sum(t.hours) FILTER (WHERE t.category = '第二类'), 0)::float8 AS second,
  count(t.id) FILTER (WHERE t.category = '组织培训活动')::int AS activities`;

export function toYearHours(r: YearHoursRow): TrainingYearHours {
  return { initial: r.initial, firstCategory: r.first, secondCategory: r.second, activities: r.activities };
}

/**
 * CQOs to whom the year's training rule applies, with their hours of year `year` and what they are
 * short of (SPEC §3 applicability, `YEARLY_TRAINING`: appointed before Jan 1 of Y and still in post on
 * Dec 31 of Y, and in post today). The one statement behind the 培训未达标 list and the
 * training-shortfall message (issue 22). `regionWhere` is a condition over enterprise `e` whose
 * parameters are already in `params`.
 */
export function shortfallJudgedSql(params: unknown[], rule: AnnualTrainingRule, year: number, today: string, regionWhere = 'true'): string {
  const y0 = params.push(`${year}-01-01`);
  const y1 = params.push(`${year}-12-31`);
  const where = [ACTIVE_TODAY('a', `$${params.push(today)}`), YEARLY_TRAINING.applies('a', `$${y0}::date`, `$${y1}::date`), regionWhere];
  const min = {
    first: `$${params.push(rule.minFirstCategory ?? 0)}`,
    second: `$${params.push(rule.minSecondCategory ?? 0)}`,
    total: `$${params.push(rule.minTotal ?? 0)}`,
    activities: `$${params.push(rule.minActivities ?? 0)}`,
  };
  const hours = { first: 'h.first', second: 'h.second', activities: 'h.activities' };
  return `
      WITH cqo AS (
        SELECT a.enterprise_id, a.person_id, a.appointed_on::text AS appointed_on, a.term_end::text AS term_end,
               e.name AS enterprise_name, e.region_code, r.name AS region_name, p.name AS person_name
          FROM appointment a JOIN enterprise e ON e.id = a.enterprise_id JOIN region r ON r.code = e.region_code
          JOIN cqo_person p ON p.id = a.person_id
         WHERE ${where.join(' AND ')}
      ), hours AS (
        SELECT c.enterprise_id, c.person_id, c.appointed_on, c.term_end, c.enterprise_name, c.region_code, c.region_name, c.person_name, ${YEAR_HOURS_SQL}
          FROM cqo c LEFT JOIN training_live t ON t.person_id = c.person_id AND t.end_date BETWEEN $${y0}::date AND $${y1}::date
         GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
      )
      SELECT h.*, ${YEARLY_TRAINING.shortHours(hours, min)}::float8 AS short_hours,
             ${YEARLY_TRAINING.shortActivities(hours.activities, min.activities)}::int AS short_activities
        FROM hours h`;
}

const RECORD_SELECT = `SELECT t.id, t.seq::float8 AS seq, t.kind, t.person_id, p.name AS person_name, t.enterprise_id, e.name AS enterprise_name,
       t.category, t.course, t.provider, t.start_date::text AS start_date, t.end_date::text AS end_date, t.hours::float8 AS hours,
       t.certificate_no, t.source, t.reverses, rv.id AS reversed_by, t.reason, t.recorded_at, u.display_name AS recorded_by_name, t.hash
  FROM training_record t
  JOIN cqo_person p ON p.id = t.person_id
  LEFT JOIN enterprise e ON e.id = t.enterprise_id
  LEFT JOIN training_record rv ON rv.reverses = t.id
  LEFT JOIN app_user u ON u.id = t.recorded_by`;

/** The column each shortfall sort key orders by (issue 20 item 3); the DTO admits only these keys. */
const SHORTFALL_SORT_SQL: Record<ShortfallSortKey, string> = {
  enterprise: 'enterprise_name',
  region: 'region_code',
  person: 'person_name',
  appointedOn: 'appointed_on',
  shortHours: 'short_hours',
  shortActivities: 'short_activities',
};

/** Appends are serialised on this advisory lock: the chain has one head. */
const LEDGER_LOCK = 'SELECT pg_advisory_xact_lock(hashtext(\'cqo.training_ledger\'))';
/** Rows per INSERT … FROM unnest(…). */
const INSERT_BATCH = 2000;

/** The draft's fields that go to training_record as they are, in the INSERT's column order after id and seq. */
const LEDGER_DRAFT_COLUMNS = [
  'kind', 'personId', 'enterpriseId', 'category', 'course', 'provider', 'startDate', 'endDate', 'hours', 'certificateNo', 'source', 'reverses', 'reason',
] as const satisfies readonly (keyof LedgerDraft)[];

/**
 * The only writer of `training_record` (the hours ledger, SPEC §4) and the training feature's one
 * reader of the ledger, its `training_live` view and the enterprises and CQOs it records against.
 * The ledger's rules (the lock's transaction, the hash chain, verification) stay in LedgerService;
 * methods that run in a transaction take its manager first, the others read on the pool.
 */
@Injectable()
export class TrainingRecordsRepository extends PoolRepository {
  // -------------------------------------------------------------------------------------------
  // training_record: the ledger
  // -------------------------------------------------------------------------------------------

  /** Takes the ledger's advisory lock until the transaction ends (re-entrant). */
  async lockLedger(m: EntityManager): Promise<void> {
    await m.query(LEDGER_LOCK);
  }

  /** The last record's place and hash; null for an empty ledger. */
  async head(m: EntityManager): Promise<{ seq: number; hash: string } | null> {
    const [row]: { seq: number; hash: string }[] = await m.query(`SELECT seq::float8 AS seq, hash FROM training_record ORDER BY seq DESC LIMIT 1`);
    return row ? { seq: Number(row.seq), hash: row.hash } : null;
  }

  /**
   * Inserts chained drafts in order, in batches: `links[i]` is the place and hashes of `drafts[i]`,
   * `importIds[i]` the import it came with (or null).
   */
  async insertChained(m: EntityManager, drafts: readonly LedgerDraft[], links: readonly ChainedRecord[], importIds: readonly (string | null)[]): Promise<void> {
    for (let from = 0; from < drafts.length; from += INSERT_BATCH) {
      const part = drafts.slice(from, from + INSERT_BATCH);
      const chain = links.slice(from, from + INSERT_BATCH);
      const field = (k: keyof LedgerDraft) => part.map((d) => d[k]);
      await m.query(
        `INSERT INTO training_record (id, seq, kind, person_id, enterprise_id, category, course, provider, start_date, end_date, hours,
                                      certificate_no, source, reverses, reason, import_id, recorded_at, recorded_by, prev_hash, hash)
         SELECT u.id, u.seq, u.kind, u.person_id, u.enterprise_id, u.category, u.course, u.provider, u.start_date, u.end_date, u.hours,
                u.certificate_no, u.source, u.reverses, u.reason, u.import_id, timestamptz 'epoch' + u.recorded_ms * interval '1 millisecond', u.recorded_by, u.prev_hash, u.hash
           FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::uuid[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::date[], $10::date[],
                       $11::numeric[], $12::text[], $13::text[], $14::uuid[], $15::text[], $16::uuid[], $17::bigint[], $18::uuid[], $19::text[], $20::text[])
             AS u(id, seq, kind, person_id, enterprise_id, category, course, provider, start_date, end_date, hours,
                  certificate_no, source, reverses, reason, import_id, recorded_ms, recorded_by, prev_hash, hash)`,
        [
          field('id'),
          chain.map((l) => l.seq),
          ...LEDGER_DRAFT_COLUMNS.map(field),
          importIds.slice(from, from + INSERT_BATCH),
          field('recordedAt'),
          field('recordedBy'),
          chain.map((l) => l.prevHash),
          chain.map((l) => l.hash),
        ],
      );
    }
  }

  /** Up to `limit` records after `afterSeq`, in seq order, as the chain's hash reads them. */
  chainAfter(afterSeq: number, limit: number): Promise<ChainRow[]> {
    return this.dataSource.query(
      `SELECT ${LEDGER_HASH_COLUMNS}, t.prev_hash AS "prevHash", t.hash AS "storedHash"
           FROM training_record t WHERE t.seq > $1 ORDER BY t.seq LIMIT ${limit}`,
      [afterSeq],
    );
  }

  // -------------------------------------------------------------------------------------------
  // training_record: reads
  // -------------------------------------------------------------------------------------------

  /**
   * A page of the ledger, newest first: one person's records (`personId`), or those of the
   * enterprises a scope condition admits (`scope` writes it for alias `e`, binding into `params`);
   * `year` keeps the records that ended in it.
   */
  list<T>(
    of: { personId: string } | { scope: (alias: string, params: unknown[]) => string },
    year: number | undefined,
    paging: PageQueryFields,
    map: (r: TrainingRecordRow) => T,
  ): Promise<Page<T>> {
    const params: unknown[] = [];
    const where = [
      'personId' in of
        ? `t.person_id = $${params.push(of.personId)}`
        : `EXISTS (SELECT 1 FROM enterprise e WHERE e.id = t.enterprise_id AND ${of.scope('e', params)})`,
    ];
    if (year) where.push(`t.end_date BETWEEN $${params.push(`${year}-01-01`)}::date AND $${params.push(`${year}-12-31`)}::date`);
    return queryWherePage(this.dataSource, { count: 'FROM training_record t', select: RECORD_SELECT, orderBy: 't.seq DESC' }, where, params, paging, map);
  }

  /** One record with its person, enterprise, reversal and recorder; null when there is none of that id. */
  async byId(id: string): Promise<TrainingRecordRow | null> {
    const [row]: TrainingRecordRow[] = await this.dataSource.query(`${RECORD_SELECT} WHERE t.id = $1`, [id]);
    return row ?? null;
  }

  /** A record as a reversal copies it, with its enterprise's region path; null when there is none of that id. */
  async forReversal(id: string): Promise<ReversibleRecord | null> {
    const [t]: ReversibleRecord[] = isUuid(id)
      ? await this.dataSource.query(
          `SELECT t.*, t.start_date::text AS start_date, t.end_date::text AS end_date, t.hours::float8 AS hours, e.region_path
             FROM training_record t LEFT JOIN enterprise e ON e.id = t.enterprise_id WHERE t.id = $1`,
          [id],
        )
      : [];
    return t ?? null;
  }

  /** The reversal of record `id`, if it has one. Call with the ledger lock held. */
  async reversalOf(m: EntityManager, id: string): Promise<string | null> {
    const [done]: { id: string }[] = await m.query(`SELECT id FROM training_record WHERE reverses = $1`, [id]);
    return done?.id ?? null;
  }

  // -------------------------------------------------------------------------------------------
  // training_live: the counted records
  // -------------------------------------------------------------------------------------------

  /** A person's counted hours in one calendar year. */
  async yearHours(m: EntityManager, personId: string, year: number): Promise<TrainingYearHours> {
    const [row]: YearHoursRow[] = await m.query(
      `SELECT ${YEAR_HOURS_SQL} FROM training_live t WHERE t.person_id = $1 AND t.end_date BETWEEN $2::date AND $3::date`,
      [personId, `${year}-01-01`, `${year}-12-31`],
    );
    return toYearHours(row);
  }

  /** A CQO's counted hours in `year`, then their 任职培训 ended by `appointedOn`: the progress page, on the pool. */
  async progressHours(personId: string, year: number, appointedOn: string): Promise<{ hours: TrainingYearHours; initial: InitialTrainingRow }> {
    const hours = await this.yearHours(this.dataSource.manager, personId, year);
    const [initial]: InitialTrainingRow[] = await this.dataSource.query(
      `SELECT coalesce(sum(hours), 0)::float8 AS hours, max(certificate_no) AS certificate_no
         FROM training_live WHERE person_id = $1 AND category = '任职培训' AND end_date <= $2::date`,
      [personId, appointedOn],
    );
    return { hours, initial };
  }

  /** The ids and hashes of a person's counted records ending in `year`, in ledger order: what a certificate states. */
  async yearRecordHashes(m: EntityManager, personId: string, year: number): Promise<{ id: string; hash: string }[]> {
    return m.query(
      `SELECT id, hash FROM training_live WHERE person_id = $1 AND end_date BETWEEN $2::date AND $3::date ORDER BY seq`,
      [personId, `${year}-01-01`, `${year}-12-31`],
    );
  }

  /** Certificate numbers among `numbers` already on a counted entry. Call with the ledger lock held. */
  async certificatesTaken(m: EntityManager, numbers: string[]): Promise<Set<string>> {
    if (!numbers.length) return new Set();
    const rows: { certificate_no: string }[] = await m.query(
      `SELECT certificate_no FROM training_live WHERE certificate_no = ANY($1)`,
      [numbers],
    );
    return new Set(rows.map((r) => r.certificate_no));
  }

  /** The counted records carrying any of `numbers`, with the course fields an import compares. */
  certifiedRecords(m: EntityManager, numbers: string[]): Promise<CertifiedRecord[]> {
    return m.query(
      `SELECT certificate_no, person_id, category, course, provider, start_date::text AS start_date, end_date::text AS end_date, hours::float8 AS hours
         FROM training_live WHERE certificate_no = ANY($1)`,
      [numbers],
    );
  }

  /**
   * The shortfall page of the CQOs in post `today` that `scope` admits (a condition on the
   * enterprise, alias `e`, binding into `params`), judged by `rule` for `year` (`shortfallJudgedSql`):
   * how many it judges and how many comply, then the page of those short, in the sort asked for.
   */
  async shortfall(
    judge: { rule: AnnualTrainingRule; year: number; today: string; scope: (alias: string, params: unknown[]) => string },
    q: PageQueryFields & { sort?: string },
  ): Promise<{ summary: ShortfallSummary; rows: ShortfallRow[] }> {
    const params: unknown[] = [];
    const judged = shortfallJudgedSql(params, judge.rule, judge.year, judge.today, judge.scope('e', params));
    const [summary]: ShortfallSummary[] = await this.dataSource.query(
      `SELECT count(*)::int AS applicable, count(*) FILTER (WHERE short_hours = 0 AND short_activities = 0)::int AS compliant FROM (${judged}) j`,
      params,
    );
    const rows: ShortfallRow[] = await this.dataSource.query(
      `SELECT * FROM (${judged}) j WHERE short_hours > 0 OR short_activities > 0
        ORDER BY ${orderBySort(q.sort, SHORTFALL_SORT_KEYS, SHORTFALL_SORT_SQL, 'short_hours DESC, short_activities DESC, region_code, enterprise_name, person_id')}
        LIMIT ${q.pageSize} OFFSET ${(q.page - 1) * q.pageSize}`,
      params,
    );
    return { summary, rows };
  }

  // -------------------------------------------------------------------------------------------
  // Whom the records are about: enterprises and their CQOs (read only)
  // -------------------------------------------------------------------------------------------

  /** The enterprise with its CQO in post today (`ACTIVE_TODAY`, `today` today's date); null when there is none of that id. */
  async enterpriseCqo(id: string, today: string): Promise<EnterpriseCqo | null> {
    const [e]: EnterpriseCqo[] = isUuid(id)
      ? await this.dataSource.query(
          `SELECT e.id, e.name, e.region_path, a.person_id, p.name AS person_name, a.appointed_on::text AS appointed_on, a.term_end::text AS term_end
             FROM enterprise e
             LEFT JOIN appointment a ON a.enterprise_id = e.id AND ${ACTIVE_TODAY('a', '$2')}
             LEFT JOIN cqo_person p ON p.id = a.person_id
            WHERE e.id = $1`,
          [id, today],
        )
      : [];
    return e ?? null;
  }

  /** Every appointment of a person, active first, then latest appointed. */
  async personAppointments(personId: string): Promise<PersonAppointment[]> {
    return isUuid(personId)
      ? await this.dataSource.query(
          `SELECT p.name, a.enterprise_id, e.region_path, a.status = 'active' AS active
             FROM cqo_person p JOIN appointment a ON a.person_id = p.id JOIN enterprise e ON e.id = a.enterprise_id
            WHERE p.id = $1 ORDER BY (a.status = 'active') DESC, a.appointed_on DESC`,
          [personId],
        )
      : [];
  }

  /** The enterprises of these credit codes. */
  enterprisesByCreditCode(m: EntityManager, codes: string[]): Promise<{ id: string; credit_code: string; region_path: string }[]> {
    return m.query(`SELECT id, credit_code, region_path FROM enterprise WHERE credit_code = ANY($1)`, [codes]);
  }

  /** Everyone ever appointed CQO by the enterprises of these credit codes, by name, and whether in post. */
  cqosByCreditCode(m: EntityManager, codes: string[]): Promise<{ credit_code: string; name: string; person_id: string; active: boolean }[]> {
    return m.query(
      `SELECT e.credit_code, p.name, a.person_id, bool_or(a.status = 'active') AS active
         FROM appointment a JOIN enterprise e ON e.id = a.enterprise_id JOIN cqo_person p ON p.id = a.person_id
        WHERE e.credit_code = ANY($1) GROUP BY 1, 2, 3`,
      [codes],
    );
  }
}
