import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EducationLevel, Gender, PositionLevel, QualificationLevel, QualificationType } from '@cqo/contracts';

/** Rows per statement: big enough to amortise the round trip, small enough for the parameter arrays. */
export const BATCH = 5000;

export interface RegionRow {
  code: string;
  path: string;
  level: number;
  leaf: boolean;
}

export interface EnterpriseRow {
  id: string;
  credit_code: string;
  name: string;
  region_code: string;
  region_path: string;
  above_size: boolean;
  size_class: string | null;
  ownership: string | null;
  industry: string | null;
  /** `award/year` sorted, joined by `;`. */
  awards: string;
}

export interface ActiveAppointmentRow {
  id: string;
  enterprise_id: string;
  person_id: string;
  name: string;
  gender: Gender;
  birth_month: string;
  phone: string;
  position_title: string;
  position_level: PositionLevel;
  concurrent_post: boolean;
  education: EducationLevel;
  qualification_type: QualificationType;
  qualification_level: QualificationLevel | null;
  quality_related: boolean;
  years_in_quality: number;
  declarations: string[];
  appointed_on: string;
  term_end: string | null;
  effective_from: string;
  authorisation_cert_no: string | null;
  initial_training_hours: number | null;
  initial_training_cert_no: string | null;
  initial_training_completed_on: string | null;
  explanation: string | null;
}

export interface NewEnterprise {
  creditCode: string;
  name: string;
  regionCode: string;
  regionPath: string;
  aboveSize: boolean;
  sizeClass: string | null;
  ownership: string | null;
  industry: string | null;
}

export interface NewAppointment {
  enterpriseId: string;
  regionPath: string;
  personId: string;
  previousId: string | null;
  filingType: 'appoint' | 'change';
  name: string;
  gender: string;
  birthMonth: string;
  phone: string;
  positionTitle: string;
  positionLevel: string;
  concurrentPost: boolean;
  education: string;
  qualificationType: string;
  qualificationLevel: string | null;
  qualityRelated: boolean;
  yearsInQuality: number;
  declarations: string[];
  appointedOn: string;
  termEnd: string | null;
  effectiveFrom: string;
  authorisationCertNo: string | null;
  initialTrainingHours: number | null;
  initialTrainingCertNo: string | null;
  initialTrainingCompletedOn: string | null;
  explanation: string | null;
}

export interface EndedAppointment {
  id: string;
  status: 'superseded' | 'replaced' | 'expired';
  endedOn: string;
  reason: string;
}

export interface AuditRow {
  action: string;
  objectType: string;
  objectId: string;
  details: Record<string, unknown>;
}

function chunks<T>(list: T[], size = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** Every query of the roster import: batched (= ANY / unnest), never one statement per row. */
@Injectable()
export class RosterImportRepository {
  /** Serialises roster imports: two files naming the same new credit code cannot both insert it. */
  async lock(m: EntityManager): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('cqo.roster-import'))`);
  }

  async regions(m: EntityManager): Promise<Map<string, RegionRow>> {
    const rows: RegionRow[] = await m.query(
      `SELECT r.code, r.path, r.level::int AS level, NOT EXISTS (SELECT 1 FROM region c WHERE c.parent_code = r.code) AS leaf FROM region r`,
    );
    return new Map(rows.map((r) => [r.code, r]));
  }

  async enterprises(m: EntityManager, codes: string[]): Promise<Map<string, EnterpriseRow>> {
    const out = new Map<string, EnterpriseRow>();
    for (const part of chunks(codes)) {
      const rows: EnterpriseRow[] = await m.query(
        `SELECT e.id, e.credit_code, e.name, e.region_code, e.region_path, e.above_size, e.size_class, e.ownership, e.industry,
                COALESCE((SELECT string_agg(w.award || '/' || w.year, ';' ORDER BY w.year, w.award) FROM enterprise_award w WHERE w.enterprise_id = e.id), '') AS awards
           FROM enterprise e WHERE e.credit_code = ANY($1)`,
        [part],
      );
      for (const r of rows) out.set(r.credit_code, r);
    }
    return out;
  }

  /** The active appointment of each enterprise (term over or not: the caller decides). */
  async activeAppointments(m: EntityManager, enterpriseIds: string[]): Promise<Map<string, ActiveAppointmentRow>> {
    const out = new Map<string, ActiveAppointmentRow>();
    for (const part of chunks(enterpriseIds)) {
      const rows: ActiveAppointmentRow[] = await m.query(
        `SELECT a.id, a.enterprise_id, a.person_id, a.name, a.gender, a.birth_month, a.phone, a.position_title, a.position_level,
                a.concurrent_post, a.education, a.qualification_type, a.qualification_level, a.quality_related, a.years_in_quality::int AS years_in_quality,
                a.declarations, a.appointed_on::text AS appointed_on, a.term_end::text AS term_end, a.effective_from::text AS effective_from,
                a.authorisation_cert_no, a.initial_training_hours::float8 AS initial_training_hours, a.initial_training_cert_no,
                a.initial_training_completed_on::text AS initial_training_completed_on, a.explanation
           FROM appointment a WHERE a.enterprise_id = ANY($1) AND a.status = 'active'`,
        [part],
      );
      for (const r of rows) out.set(r.enterprise_id, r);
    }
    return out;
  }

  /** Returns credit code → new id. */
  async insertEnterprises(m: EntityManager, rows: NewEnterprise[], now: Date): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    for (const part of chunks(rows)) {
      const inserted: { id: string; credit_code: string }[] = await m.query(
        `INSERT INTO enterprise (credit_code, name, region_code, region_path, above_size, size_class, ownership, industry, created_at, updated_at)
         SELECT v.*, $9::timestamptz, $9::timestamptz
           FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::text[], $5::boolean[], $6::varchar[], $7::varchar[], $8::varchar[])
                AS v(credit_code, name, region_code, region_path, above_size, size_class, ownership, industry)
         RETURNING id, credit_code`,
        [
          part.map((r) => r.creditCode),
          part.map((r) => r.name),
          part.map((r) => r.regionCode),
          part.map((r) => r.regionPath),
          part.map((r) => r.aboveSize),
          part.map((r) => r.sizeClass),
          part.map((r) => r.ownership),
          part.map((r) => r.industry),
          now,
        ],
      );
      for (const r of inserted) ids.set(r.credit_code, r.id);
    }
    return ids;
  }

  async updateEnterprises(m: EntityManager, rows: (Omit<NewEnterprise, 'creditCode' | 'regionCode' | 'regionPath'> & { id: string })[], now: Date): Promise<void> {
    for (const part of chunks(rows)) {
      await m.query(
        `UPDATE enterprise e SET name = v.name, above_size = v.above_size, size_class = v.size_class, ownership = v.ownership,
                industry = v.industry, version = e.version + 1, updated_at = $7
           FROM unnest($1::uuid[], $2::varchar[], $3::boolean[], $4::varchar[], $5::varchar[], $6::varchar[])
                AS v(id, name, above_size, size_class, ownership, industry)
          WHERE e.id = v.id`,
        [part.map((r) => r.id), part.map((r) => r.name), part.map((r) => r.aboveSize), part.map((r) => r.sizeClass), part.map((r) => r.ownership), part.map((r) => r.industry), now],
      );
    }
  }

  async replaceAwards(m: EntityManager, enterpriseIds: string[], awards: { enterpriseId: string; award: string; year: number }[]): Promise<void> {
    for (const part of chunks(enterpriseIds)) await m.query(`DELETE FROM enterprise_award WHERE enterprise_id = ANY($1)`, [part]);
    for (const part of chunks(awards)) {
      await m.query(
        `INSERT INTO enterprise_award (enterprise_id, award, year) SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::smallint[])`,
        [part.map((a) => a.enterpriseId), part.map((a) => a.award), part.map((a) => a.year)],
      );
    }
  }

  /** A person whose phone changed keeps their id (and training ledger), unless someone else already has that name + phone. */
  async changePhone(m: EntityManager, personId: string, name: string, phone: string): Promise<void> {
    await m.query(
      `UPDATE cqo_person SET phone = $3 WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM cqo_person o WHERE o.name = $2 AND o.phone = $3)`,
      [personId, name, phone],
    );
  }

  /** One person per name + phone (as the filing form does); returns `name|phone` → id. */
  async persons(m: EntityManager, people: { name: string; phone: string }[]): Promise<Map<string, string>> {
    const unique = [...new Map(people.map((p) => [`${p.name}|${p.phone}`, p])).values()];
    const ids = new Map<string, string>();
    for (const part of chunks(unique)) {
      const rows: { id: string; name: string; phone: string }[] = await m.query(
        `INSERT INTO cqo_person (name, phone) SELECT * FROM unnest($1::varchar[], $2::varchar[])
         ON CONFLICT (name, phone) DO UPDATE SET name = EXCLUDED.name RETURNING id, name, phone`,
        [part.map((p) => p.name), part.map((p) => p.phone)],
      );
      for (const r of rows) ids.set(`${r.name}|${r.phone}`, r.id);
    }
    return ids;
  }

  async endAppointments(m: EntityManager, rows: EndedAppointment[]): Promise<void> {
    for (const part of chunks(rows)) {
      await m.query(
        `UPDATE appointment a SET status = v.status, ended_on = v.ended_on, end_reason = v.reason
           FROM unnest($1::uuid[], $2::varchar[], $3::date[], $4::text[]) AS v(id, status, ended_on, reason)
          WHERE a.id = v.id AND a.status = 'active'`,
        [part.map((r) => r.id), part.map((r) => r.status), part.map((r) => r.endedOn), part.map((r) => r.reason)],
      );
    }
  }

  async insertAppointments(m: EntityManager, rows: NewAppointment[], filedAt: Date, filedBy: string | null): Promise<string[]> {
    const ids: string[] = [];
    for (const part of chunks(rows)) {
      const col = <K extends keyof NewAppointment>(k: K) => part.map((r) => r[k]);
      const inserted: { id: string }[] = await m.query(
        `INSERT INTO appointment (enterprise_id, region_path, person_id, previous_id, filing_type, status, name, gender, birth_month, phone,
                                  position_title, position_level, concurrent_post, education, qualification_type, qualification_level,
                                  quality_related, years_in_quality, declarations, appointed_on, term_end, effective_from,
                                  authorisation_cert_no, initial_training_hours, initial_training_cert_no, initial_training_completed_on,
                                  explanation, filed_at, filed_by, late_filing, disqualified)
         SELECT v.enterprise_id, v.region_path, v.person_id, v.previous_id, v.filing_type, 'active', v.name, v.gender, v.birth_month, v.phone,
                v.position_title, v.position_level, v.concurrent_post, v.education, v.qualification_type, v.qualification_level,
                v.quality_related, v.years_in_quality, string_to_array(v.declarations, ','), v.appointed_on, v.term_end, v.effective_from,
                v.authorisation_cert_no, v.initial_training_hours, v.initial_training_cert_no, v.initial_training_completed_on,
                v.explanation, $27, $28, false, false
           FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::varchar[], $6::varchar[], $7::varchar[], $8::varchar[], $9::varchar[],
                       $10::varchar[], $11::varchar[], $12::boolean[], $13::varchar[], $14::varchar[], $15::varchar[], $16::boolean[], $17::smallint[],
                       $18::text[], $19::date[], $20::date[], $21::date[], $22::varchar[], $23::numeric[], $24::varchar[], $25::date[], $26::text[])
                AS v(enterprise_id, region_path, person_id, previous_id, filing_type, name, gender, birth_month, phone, position_title,
                     position_level, concurrent_post, education, qualification_type, qualification_level, quality_related, years_in_quality,
                     declarations, appointed_on, term_end, effective_from, authorisation_cert_no, initial_training_hours,
                     initial_training_cert_no, initial_training_completed_on, explanation)
         RETURNING id`,
        [
          col('enterpriseId'),
          col('regionPath'),
          col('personId'),
          col('previousId'),
          col('filingType'),
          col('name'),
          col('gender'),
          col('birthMonth'),
          col('phone'),
          col('positionTitle'),
          col('positionLevel'),
          col('concurrentPost'),
          col('education'),
          col('qualificationType'),
          col('qualificationLevel'),
          col('qualityRelated'),
          col('yearsInQuality'),
          // Declaration ids are plain words (no commas): one text per row keeps the unnest one-dimensional.
          part.map((r) => r.declarations.join(',')),
          col('appointedOn'),
          col('termEnd'),
          col('effectiveFrom'),
          col('authorisationCertNo'),
          col('initialTrainingHours'),
          col('initialTrainingCertNo'),
          col('initialTrainingCompletedOn'),
          col('explanation'),
          filedAt,
          filedBy,
        ],
      );
      ids.push(...inserted.map((r) => r.id));
    }
    return ids;
  }

  /** Audit rows in bulk, committed with the import (the AuditService writes one row per call). */
  async audit(m: EntityManager, actor: { userId: string; username: string; role: string; ip: string | null }, rows: AuditRow[], at: Date): Promise<void> {
    for (const part of chunks(rows)) {
      await m.query(
        `INSERT INTO audit_log (at, actor_id, actor_username, actor_role, ip, action, object_type, object_id, result, details)
         SELECT $1, $2, $3, $4, $5, v.action, v.object_type, v.object_id, 'success', v.details
           FROM unnest($6::varchar[], $7::varchar[], $8::varchar[], $9::jsonb[]) AS v(action, object_type, object_id, details)`,
        [
          at,
          actor.userId || null,
          actor.username,
          actor.role,
          actor.ip,
          part.map((r) => r.action),
          part.map((r) => r.objectType),
          part.map((r) => r.objectId),
          part.map((r) => JSON.stringify(r.details)),
        ],
      );
    }
  }

  async insertRun(
    m: EntityManager,
    run: {
      id: string;
      mode: string;
      fileName: string;
      sha256: string;
      size: number;
      committed: boolean;
      total: number;
      inserted: number;
      updated: number;
      unchanged: number;
      rejectedRows: number;
      errors: unknown[];
      report: Buffer | null;
      createdBy: string | null;
      createdAt: Date;
      expiresAt: Date;
    },
  ): Promise<void> {
    await m.query(
      `INSERT INTO import_run (id, kind, mode, file_name, file_sha256, file_size, committed, total_rows, inserted, updated, unchanged,
                               rejected_rows, errors, error_report, created_by, created_at, expires_at)
       VALUES ($1, 'roster', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [
        run.id,
        run.mode,
        run.fileName.slice(0, 255),
        run.sha256,
        run.size,
        run.committed,
        run.total,
        run.inserted,
        run.updated,
        run.unchanged,
        run.rejectedRows,
        JSON.stringify(run.errors),
        run.report,
        run.createdBy,
        run.createdAt,
        run.expiresAt,
      ],
    );
  }
}
