import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { ENTERPRISE_SORT_KEYS, type AwardType, type ClosingReason, type CqoFilter, type EnterpriseAward, type EnterpriseListQuery, type EnterpriseSortKey, type OwnershipType, type Page, type SizeClass, type Verdict } from '@cqo/contracts';
import { orderBySort, queryWherePage, type PageQueryFields } from '@cqo/server-common';
import { copyField, copyIn, PoolRepository } from '@cqo/server-database';
import { ACTIVE_TODAY } from '@cqo/server-eligibility';
import { EnterpriseEntity } from './entities/enterprise.entity';

/** The CQO in post as a list row and the item show it (`a_*`: null when the enterprise has none). */
export interface CqoCell {
  a_id: string | null;
  a_name: string | null;
  a_phone: string | null;
  a_term_end: string | null;
  a_verdict: Verdict | null;
  a_disqualified: boolean | null;
  a_duplicate: boolean | null;
}

/** An enterprise as the lists read it, with its region's name, whether it holds an award, and its CQO. */
export interface EnterpriseListRow extends CqoCell {
  id: string;
  credit_code: string;
  name: string;
  region_code: string;
  region_name: string;
  above_size: boolean;
  size_class: SizeClass | null;
  ownership: OwnershipType | null;
  industry: string | null;
  closed_on: string | null;
  closed_reason: ClosingReason | null;
  has_award: boolean;
}

/** The list filters that are conditions on the enterprise and its CQO (scope and region are the caller's). */
export type EnterpriseFilters = Pick<EnterpriseListQuery, 'q' | 'aboveSize' | 'sizeClass' | 'ownership' | 'industry' | 'award' | 'cqo'>;

/** A closing as `close` records it. */
export interface NewClosure {
  enterpriseId: string;
  closedOn: string;
  reason: ClosingReason;
  note: string | null;
  by: string | null;
  at: Date;
}

/** An enterprise as `insert` registers it. */
export type NewEnterprise = Pick<EnterpriseEntity, 'creditCode' | 'name' | 'regionCode' | 'regionPath' | 'aboveSize' | 'sizeClass' | 'ownership' | 'industry'>;

/** An enterprise as `copyNew` registers it in bulk: its id is made by the caller, so rows staged with it can name it. */
export interface CopiedEnterprise extends NewEnterprise {
  id: string;
}

/** The fields of a versioned edit (`updateAt`): the reviewed and the direct ones, and the region path with its code. */
export type EnterpriseChanges = Partial<Pick<EnterpriseEntity, 'name' | 'ownership' | 'industry' | 'aboveSize' | 'sizeClass' | 'regionCode' | 'regionPath'>>;

/** A reopening as `reopen` records it. */
export interface Reopening {
  enterpriseId: string;
  reopenedOn: string;
  by: string | null;
  at: Date;
}

/** The same person (name + phone) active as CQO of another enterprise. */
const DUPLICATE_SQL = `(a.id IS NOT NULL AND EXISTS (SELECT 1 FROM appointment a2 WHERE a2.person_id = a.person_id AND a2.status = 'active' AND a2.enterprise_id <> a.enterprise_id))`;

/** The CQO filters of the city and province lists; `$1` is today's date. */
const CQO_FILTER_SQL: Record<CqoFilter, string> = {
  none: 'a.id IS NULL',
  eligible: "a.verdict = 'eligible'",
  attention: "a.verdict = 'attention'",
  ineligible: "a.verdict = 'ineligible'",
  'term-ending': "a.term_end <= $1::date + 90",
  disqualified: 'a.disqualified',
  duplicate: DUPLICATE_SQL,
};

/** The column each sort key orders by (issue 20 item 3); the DTO admits only these keys. */
const ENTERPRISE_SORT_SQL: Record<EnterpriseSortKey, string> = {
  name: 'e.name',
  region: 'e.region_path',
  creditCode: 'e.credit_code',
  aboveSize: 'e.above_size',
  sizeClass: 'e.size_class',
  ownership: 'e.ownership',
  industry: 'e.industry',
  termEnd: 'a.term_end',
  verdict: 'a.verdict',
};

/** Tables that copy an enterprise's region path for scope filters (each has `enterprise_id`). */
const REGION_PATH_COPIES = ['appointment', 'violation', 'violation_voided', 'annual_report', 'evaluation_application', 'evaluation_certificate'] as const;

/** The grams `cqo_name_grams` indexes that a name containing `q` must have: each character if one, else each pair. */
function nameGrams(q: string): string[] {
  const t = [...q.toLowerCase()];
  if (t.length === 1) return t;
  return [...new Set(t.slice(0, -1).map((c, i) => c + t[i + 1]))];
}

/**
 * The only writer of `enterprise` (raw SQL, its entity's insert and versioned update, and the roster
 * import's bulk registration and updates), `enterprise_award` and `enterprise_closure` (issue 19
 * item 2). Methods that run in a transaction take its manager first; the others read on the pool.
 */
@Injectable()
export class EnterprisesRepository extends PoolRepository {
  /** The list's filter conditions over `e` and `a`, their values appended to `params` (whose `$1` is today). */
  filters(f: EnterpriseFilters, params: unknown[]): string[] {
    const where: string[] = [];
    if (f.q) {
      const q = f.q.trim();
      // The n-gram index finds candidates; LIKE keeps only names that hold the whole text.
      where.push(
        `((e.name_grams @> $${params.push(nameGrams(q))}::text[] AND e.name LIKE $${params.push(`%${q.replace(/[\\%_]/g, '\\$&')}%`)}) OR e.credit_code = $${params.push(q.toUpperCase())})`,
      );
    }
    if (f.aboveSize !== undefined) where.push(`e.above_size = $${params.push(f.aboveSize)}`);
    if (f.sizeClass) where.push(`e.size_class = $${params.push(f.sizeClass)}`);
    if (f.ownership) where.push(`e.ownership = $${params.push(f.ownership)}`);
    if (f.industry) where.push(`e.industry = $${params.push(f.industry)}`);
    if (f.award !== undefined) where.push(`${f.award ? '' : 'NOT '}EXISTS (SELECT 1 FROM enterprise_award w WHERE w.enterprise_id = e.id)`);
    if (f.cqo) where.push(CQO_FILTER_SQL[f.cqo]);
    return where;
  }

  /**
   * A page of enterprises matching `where` (conditions over `e` and `a`), each with its CQO in post
   * today (`ACTIVE_TODAY`, today's date in `$1` of `params`: a term that has ended no longer counts,
   * even before the nightly job marks it), in the sort asked for.
   */
  list<T>(where: string[], params: unknown[], q: PageQueryFields & { sort?: string }, map: (r: EnterpriseListRow) => T): Promise<Page<T>> {
    const from = `FROM enterprise e
      LEFT JOIN appointment a ON a.enterprise_id = e.id AND ${ACTIVE_TODAY('a', '$1')}`;
    const select =
      `SELECT e.id, e.credit_code, e.name, e.region_code, r.name AS region_name, e.above_size, e.size_class, e.ownership, e.industry,
              e.closed_on::text AS closed_on, e.closed_reason,
              EXISTS (SELECT 1 FROM enterprise_award w WHERE w.enterprise_id = e.id) AS has_award,
              a.id AS a_id, a.name AS a_name, a.phone AS a_phone, a.term_end::text AS a_term_end, a.verdict AS a_verdict,
              a.disqualified AS a_disqualified, ${DUPLICATE_SQL} AS a_duplicate
         ${from} JOIN region r ON r.code = e.region_code`;
    const orderBy = orderBySort(q.sort, ENTERPRISE_SORT_KEYS, ENTERPRISE_SORT_SQL, 'e.region_path, e.name, e.id');
    return queryWherePage(this.dataSource, { count: from, select, orderBy }, where, params, q, map);
  }

  /** The enterprise's CQO in post (an active appointment), or null. */
  async activeCqo(enterpriseId: string): Promise<CqoCell | null> {
    const [cell]: CqoCell[] = await this.dataSource.query(
      `SELECT a.id AS a_id, a.name AS a_name, a.phone AS a_phone, a.term_end::text AS a_term_end, a.verdict AS a_verdict,
              a.disqualified AS a_disqualified, ${DUPLICATE_SQL} AS a_duplicate
         FROM appointment a WHERE a.enterprise_id = $1 AND a.status = 'active'`,
      [enterpriseId],
    );
    return cell ?? null;
  }

  /** The region path of an enterprise, for a scope check before a transaction opens; null when there is none. */
  async regionPathOf(id: string): Promise<string | null> {
    const [row]: { region_path: string }[] = await this.dataSource.query(`SELECT region_path FROM enterprise WHERE id = $1`, [id]);
    return row ? row.region_path : null;
  }

  /** Locks the enterprise for the caller's transaction and answers its version; null when there is none. */
  async lockedVersion(m: EntityManager, id: string): Promise<number | null> {
    const [row]: { version: number }[] = await m.query(`SELECT version FROM enterprise WHERE id = $1 FOR UPDATE`, [id]);
    return row ? row.version : null;
  }

  /** Every row that copies the enterprise's region path follows it to `regionPath`, so scope and lists agree. */
  async moveRegionPathCopies(m: EntityManager, enterpriseId: string, regionPath: string): Promise<void> {
    for (const table of REGION_PATH_COPIES) await m.query(`UPDATE ${table} SET region_path = $2 WHERE enterprise_id = $1`, [enterpriseId, regionPath]);
  }

  /** An enterprise's awards, latest year first (a year not known first of all, as PostgreSQL sorts NULL). */
  awardsOf(enterpriseId: string): Promise<{ award: AwardType; year: number | null }[]> {
    return this.dataSource.query(`SELECT award, year FROM enterprise_award WHERE enterprise_id = $1 ORDER BY year DESC`, [enterpriseId]);
  }

  /** Replaces the enterprise's awards with `awards`. */
  async replaceAwards(m: EntityManager, enterpriseId: string, awards: EnterpriseAward[]): Promise<void> {
    await m.query(`DELETE FROM enterprise_award WHERE enterprise_id = $1`, [enterpriseId]);
    if (awards.length) {
      await m.query(`INSERT INTO enterprise_award (enterprise_id, award, year) SELECT $1, * FROM unnest($2::varchar[], $3::smallint[])`, [
        enterpriseId,
        awards.map((a) => a.award),
        awards.map((a) => a.year ?? null),
      ]);
    }
  }

  /** Records a closing from its date on and marks the enterprise closed (a new version); returns the closing's id. */
  async close(m: EntityManager, c: NewClosure): Promise<string> {
    const [closure]: { id: string }[] = await m.query(
      `INSERT INTO enterprise_closure (enterprise_id, closed_on, reason, note, closed_by, closed_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [c.enterpriseId, c.closedOn, c.reason, c.note, c.by, c.at],
    );
    await m.query(
      `UPDATE enterprise SET closed_on = $2, closed_reason = $3, version = version + 1, updated_at = $4 WHERE id = $1`,
      [c.enterpriseId, c.closedOn, c.reason, c.at],
    );
    return closure.id;
  }

  /** Ends the enterprise's open closing and marks it open again (a new version); returns the closing's id, or null when none was open. */
  async reopen(m: EntityManager, r: Reopening): Promise<string | null> {
    const [[closure]]: [{ id: string }[], number] = await m.query(
      `UPDATE enterprise_closure SET reopened_on = $2, reopened_by = $3, reopened_at = $4 WHERE enterprise_id = $1 AND reopened_on IS NULL RETURNING id`,
      [r.enterpriseId, r.reopenedOn, r.by, r.at],
    );
    await m.query(`UPDATE enterprise SET closed_on = NULL, closed_reason = NULL, version = version + 1, updated_at = $2 WHERE id = $1`, [r.enterpriseId, r.at]);
    return closure?.id ?? null;
  }

  /**
   * Registers an enterprise through its entity (version 1; its id and times filled by the database);
   * answers its id, or null when its credit code is registered already (also by a create committed
   * meanwhile, which a check before the insert cannot see: its unique violation was a 500).
   */
  async insert(m: EntityManager, e: NewEnterprise): Promise<string | null> {
    const result = await m.createQueryBuilder().insert().into(EnterpriseEntity).values(e).orIgnore().returning('id').execute();
    return (result.raw as { id: string }[])[0]?.id ?? null;
  }

  /**
   * Applies `changes` to the enterprise if it is still at `version` (optimistic lock), as a new
   * version updated at `at`; answers whether it was (false: it moved meanwhile, or is gone).
   */
  async updateAt(m: EntityManager, id: string, version: number, changes: EnterpriseChanges, at: Date): Promise<boolean> {
    const result = await m
      .createQueryBuilder()
      .update(EnterpriseEntity)
      .set({ ...changes, updatedAt: at, version: () => 'version + 1' })
      .where('id = :id AND version = :version', { id, version })
      .execute();
    return result.affected === 1;
  }

  /**
   * Registers new enterprises in bulk (the roster import, SPEC §8): `COPY`ed straight into
   * `enterprise` on the caller's transaction's connection, created and updated at `now` (version
   * 1), a multi-row insert with no per-row statement. Ids are the caller's, so its staged rows can
   * name them; in ascending order they append to the primary key's btree.
   */
  async copyNew(m: EntityManager, rows: CopiedEnterprise[], now: Date): Promise<void> {
    if (!rows.length) return;
    const at = now.toISOString();
    await copyIn(
      m,
      `COPY enterprise (id, credit_code, name, region_code, region_path, above_size, size_class, ownership, industry, created_at, updated_at) FROM STDIN`,
      rows,
      (r) => [r.id, r.creditCode, r.name, r.regionCode, r.regionPath, r.aboveSize, r.sizeClass, r.ownership, r.industry, at, at].map(copyField).join('\t') + '\n',
    );
  }

  /**
   * A roster import's enterprise changes (SPEC §8), set-based from its staged rows (`stage`, the
   * roster_stage temp table: row, outcome, enterprise_id, name, above_size, size_class, ownership,
   * industry, enterprise_changed, awards_changed, award_names, award_years; see
   * RosterImportRepository): the changed enterprises as a new version updated at `now`, and the
   * awards of each row that replaces them (those of a new enterprise included). One statement per
   * step, never one per row.
   */
  async writeStaged(m: EntityManager, stage: 'roster_stage', now: Date): Promise<void> {
    await m.query(
      `UPDATE enterprise e SET name = s.name, above_size = s.above_size, size_class = s.size_class, ownership = s.ownership,
              industry = s.industry, version = e.version + 1, updated_at = $1
         FROM ${stage} s WHERE s.outcome = 'update' AND s.enterprise_changed AND e.id = s.enterprise_id`,
      [now],
    );
    await m.query(`DELETE FROM enterprise_award w USING ${stage} s WHERE s.outcome = 'update' AND s.awards_changed AND w.enterprise_id = s.enterprise_id`);
    await m.query(
      `INSERT INTO enterprise_award (enterprise_id, award, year)
       SELECT s.enterprise_id, a.award, a.year FROM ${stage} s, unnest(s.award_names, s.award_years) AS a(award, year)
        WHERE s.awards_changed ORDER BY s.row`,
    );
  }
}
