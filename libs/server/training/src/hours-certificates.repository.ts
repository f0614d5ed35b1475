import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import type { TrainingYearHours } from '@cqo/contracts';
import { PoolRepository } from '@cqo/server-database';

/** A row of `training_certificate` with the person's name and the enterprise's, as the certificate's pages read it. */
export interface HoursCertificateRow {
  code: string;
  person_id: string;
  person_name: string;
  enterprise_name: string | null;
  year: number;
  period_from: string;
  period_to: string;
  hours: TrainingYearHours;
  total_hours: number;
  content_hash: string;
  ledger_seq: number;
  ledger_hash: string;
  issuing_office: string;
  issued_at: Date;
  superseded_at: Date | null;
}

/** A certificate to issue: whose year, the hours it states and the ledger head it is anchored to. */
export interface NewHoursCertificate {
  code: string;
  personId: string;
  enterpriseId: string;
  year: number;
  periodFrom: string;
  periodTo: string;
  hours: TrainingYearHours;
  totalHours: number;
  contentHash: string;
  ledgerSeq: number;
  ledgerHash: string;
  issuingOffice: string;
  issuedBy: string | null;
  issuedAt: Date;
}

const CERT_SELECT = `SELECT c.code, c.person_id, p.name AS person_name, e.name AS enterprise_name, c.year, c.period_from::text AS period_from,
       c.period_to::text AS period_to, c.hours, c.total_hours::float8 AS total_hours, c.content_hash, c.ledger_seq::float8 AS ledger_seq,
       c.ledger_hash, c.issuing_office, c.issued_at, c.superseded_at
  FROM training_certificate c JOIN cqo_person p ON p.id = c.person_id LEFT JOIN enterprise e ON e.id = c.enterprise_id`;

/**
 * The only reader and writer of `training_certificate` (学时证明, 001 §10). Issuing runs in the
 * caller's transaction (under the ledger lock) and takes its manager first; a certificate is read
 * on the pool.
 */
@Injectable()
export class HoursCertificatesRepository extends PoolRepository {
  /** The person's certificate of `year` not yet superseded, or null. */
  async current(m: EntityManager, personId: string, year: number): Promise<{ code: string; content_hash: string } | null> {
    const [current]: { code: string; content_hash: string }[] = await m.query(
      `SELECT code, content_hash FROM training_certificate WHERE person_id = $1 AND year = $2 AND superseded_at IS NULL`,
      [personId, year],
    );
    return current ?? null;
  }

  /** Marks a certificate superseded at `at`. */
  async supersede(m: EntityManager, code: string, at: Date): Promise<void> {
    await m.query(`UPDATE training_certificate SET superseded_at = $2 WHERE code = $1`, [code, at]);
  }

  /** Whether a certificate already has this code. */
  async codeTaken(m: EntityManager, code: string): Promise<boolean> {
    const [taken]: unknown[] = await m.query(`SELECT 1 FROM training_certificate WHERE code = $1`, [code]);
    return !!taken;
  }

  /** Issues a certificate. */
  async insert(m: EntityManager, c: NewHoursCertificate): Promise<void> {
    await m.query(
      `INSERT INTO training_certificate (code, person_id, enterprise_id, year, period_from, period_to, hours, total_hours, content_hash,
                                         ledger_seq, ledger_hash, issuing_office, issued_by, issued_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        c.code,
        c.personId,
        c.enterpriseId,
        c.year,
        c.periodFrom,
        c.periodTo,
        JSON.stringify(c.hours),
        c.totalHours,
        c.contentHash,
        c.ledgerSeq,
        c.ledgerHash,
        c.issuingOffice,
        c.issuedBy,
        c.issuedAt,
      ],
    );
  }

  /** One certificate with the person's and the enterprise's names; null when no certificate has that code. */
  async byCode(code: string): Promise<HoursCertificateRow | null> {
    const [row]: HoursCertificateRow[] = await this.dataSource.query(`${CERT_SELECT} WHERE c.code = $1`, [code]);
    return row ?? null;
  }
}
