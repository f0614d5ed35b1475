import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { type Page, isUuid, VIOLATION_SORT_KEYS, type ViolationItem, type ViolationSortKey, type ViolationStatus } from '@cqo/contracts';
import { orderBySort, queryWherePage, type PageQueryFields } from '@cqo/server-common';
import { PoolRepository } from '@cqo/server-database';

/** A row of `violation` with its enterprise, region and person, as the lists and the item read it. */
export interface ViolationRow {
  id: string;
  enterprise_id: string;
  enterprise_name: string;
  region_code: string;
  region_name: string;
  subject: ViolationItem['subject'];
  person_id: string | null;
  person_name: string | null;
  type: ViolationItem['type'];
  accident_level: ViolationItem['accidentLevel'];
  occurred_on: string;
  source_document: string;
  description: string | null;
  status: ViolationStatus;
  status_note: string | null;
  recorded_role: string;
  recorded_at: Date;
  version: number;
}

/** A row of `violation_voided`: the violation as it stood, and who voided it, when and why. */
export interface VoidedRow extends Omit<ViolationRow, 'version'> {
  voided_at: Date;
  voided_role: string;
  void_reason: string;
}

/** What a write checks of a violation before it opens: scope, state, person and who recorded it. */
export interface ViolationHead {
  region_path: string;
  enterprise_id: string;
  status: ViolationStatus;
  person_id: string | null;
  recorded_role: string;
  type: string;
  occurred_on: string;
  version: number;
}

/** The fields of a new violation (status `open`, version 1). */
export interface NewViolation {
  enterpriseId: string;
  regionPath: string;
  subject: ViolationItem['subject'];
  personId: string | null;
  appointmentId: string | null;
  type: ViolationItem['type'];
  accidentLevel: ViolationItem['accidentLevel'] | null;
  occurredOn: string;
  sourceDocument: string;
  description: string | null;
  recordedBy: string | null;
  recordedRole: string;
  at: Date;
}

const SELECT = `SELECT v.id, v.enterprise_id, e.name AS enterprise_name, e.region_code, r.name AS region_name, v.subject, v.person_id,
       p.name AS person_name, v.type, v.accident_level, v.occurred_on::text AS occurred_on, v.source_document, v.description,
       v.status, v.status_note, v.recorded_role, v.recorded_at`;
const JOINS = `JOIN enterprise e ON e.id = v.enterprise_id JOIN region r ON r.code = e.region_code LEFT JOIN cqo_person p ON p.id = v.person_id`;
const LIVE_SELECT = `${SELECT}, v.version FROM violation v ${JOINS}`;
const VOIDED_SELECT = `${SELECT}, v.voided_at, v.voided_role, v.void_reason FROM violation_voided v ${JOINS}`;

/** The column each violation sort key orders by (issue 20 item 3); the DTO admits only these keys. */
const SORT_SQL: Record<ViolationSortKey, string> = {
  enterprise: 'e.name',
  region: 'e.region_path',
  type: 'v.type',
  occurredOn: 'v.occurred_on',
  status: 'v.status',
  recordedAt: 'v.recorded_at',
};


/**
 * The only reader and writer of `violation` and `violation_voided` (SPEC §5). A list takes its
 * conditions over `v` as positional SQL built by the caller (scope and filters); methods that run
 * in a transaction take its manager first.
 */
@Injectable()
export class ViolationsRepository extends PoolRepository {
  /** A page of live violations matching `where` (conditions over `v`), in the sort asked for. */
  list<T>(where: string[], params: unknown[], q: PageQueryFields & { sort?: string }, map: (r: ViolationRow) => T): Promise<Page<T>> {
    const orderBy = orderBySort(q.sort, VIOLATION_SORT_KEYS, SORT_SQL, 'v.occurred_on DESC, v.recorded_at DESC, v.id');
    return queryWherePage(this.dataSource, { count: 'FROM violation v', select: LIVE_SELECT, orderBy }, where, params, q, map);
  }

  /** A page of voided violations matching `where` (conditions over `v`), latest voided first. */
  listVoided<T>(where: string[], params: unknown[], q: PageQueryFields, map: (r: VoidedRow) => T): Promise<Page<T>> {
    return queryWherePage(this.dataSource, { count: 'FROM violation_voided v', select: VOIDED_SELECT, orderBy: 'v.voided_at DESC, v.id' }, where, params, q, map);
  }

  async byId(id: string): Promise<ViolationRow | null> {
    const [row] = await this.dataSource.query(`${LIVE_SELECT} WHERE v.id = $1`, [id]);
    return row ?? null;
  }

  async voidedById(id: string): Promise<VoidedRow | null> {
    const [row] = await this.dataSource.query(`${VOIDED_SELECT} WHERE v.id = $1`, [id]);
    return row ?? null;
  }

  async head(id: string): Promise<ViolationHead | null> {
    if (!isUuid(id)) return null;
    const [v] = await this.dataSource.query(
      `SELECT region_path, enterprise_id, status, person_id, recorded_role, type, occurred_on::text AS occurred_on, version FROM violation WHERE id = $1`,
      [id],
    );
    return v ?? null;
  }

  /** Where a voided violation stood, for the scope check of a second void; null when none was voided with this id. */
  async voidedHead(id: string): Promise<{ region_path: string; enterprise_id: string } | null> {
    if (!isUuid(id)) return null;
    const [v] = await this.dataSource.query(`SELECT region_path, enterprise_id FROM violation_voided WHERE id = $1`, [id]);
    return v ?? null;
  }

  /** Records a violation (status `open`, version 1); returns its id. */
  async insert(m: EntityManager, v: NewViolation): Promise<string> {
    const [{ id }]: { id: string }[] = await m.query(
      `INSERT INTO violation (enterprise_id, region_path, subject, person_id, appointment_id, type, accident_level, occurred_on,
                              source_document, description, status, status_note, recorded_by, recorded_role, recorded_at, updated_at, version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'open', NULL, $11, $12, $13, $13, 1) RETURNING id`,
      [v.enterpriseId, v.regionPath, v.subject, v.personId, v.appointmentId, v.type, v.accidentLevel, v.occurredOn, v.sourceDocument, v.description, v.recordedBy, v.recordedRole, v.at],
    );
    return id;
  }

  /** Moves a violation to `status` if it is still at `version`; false when someone changed it meanwhile. */
  async setStatus(m: EntityManager, id: string, version: number, status: ViolationStatus, note: string, at: Date): Promise<boolean> {
    const [updated] = (await m.query(
      `UPDATE violation SET status = $3, status_note = $4, updated_at = $5, version = version + 1 WHERE id = $1 AND version = $2 RETURNING id`,
      [id, version, status, note, at],
    )) as [unknown[], number];
    return updated.length === 1;
  }

  /** Locks a live violation for a void; its version, or null when it has gone (voided meanwhile). */
  async lock(m: EntityManager, id: string): Promise<number | null> {
    const [locked]: { version: number }[] = await m.query(`SELECT version FROM violation WHERE id = $1 FOR UPDATE`, [id]);
    return locked?.version ?? null;
  }

  /** Moves a (locked) violation from `violation` to `violation_voided`, with who voided it, when and why. */
  async moveToVoided(m: EntityManager, id: string, by: { at: Date; userId: string | null; role: string; reason: string }): Promise<void> {
    await m.query(
      `INSERT INTO violation_voided (id, enterprise_id, region_path, subject, person_id, appointment_id, type, accident_level, occurred_on, source_document,
         description, status, status_note, recorded_by, recorded_role, recorded_at, voided_at, voided_by, voided_role, void_reason)
       SELECT id, enterprise_id, region_path, subject, person_id, appointment_id, type, accident_level, occurred_on, source_document,
              description, status, status_note, recorded_by, recorded_role, recorded_at, $2, $3, $4, $5
         FROM violation WHERE id = $1`,
      [id, by.at, by.userId, by.role, by.reason],
    );
    await m.query(`DELETE FROM violation WHERE id = $1`, [id]);
  }
}
