import { createHash, randomInt } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { PublicTrainingVerification, TrainingCertificate, TrainingYearHours } from '@cqo/contracts';
import { maskName, yearOf } from '@cqo/policy';
import { AuditService } from '@cqo/server-audit';
import { APP_CONFIG, AppException, Clock, type Actor, type AppConfig } from '@cqo/server-common';
import { UnitOfWork } from '@cqo/server-queue';
import { LedgerService } from './ledger.service';
import { TrainingService } from './training.service';

/** Crockford-style alphabet without 0/O, 1/I/L and U: codes are read aloud and typed from paper. */
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_PATTERN = /^TH-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$/;

interface CertificateRow {
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

const CERT_SELECT = `SELECT c.code, c.person_id, p.name AS person_name, e.name AS enterprise_name, c.year, c.period_from::text AS period_from,
       c.period_to::text AS period_to, c.hours, c.total_hours::float8 AS total_hours, c.content_hash, c.ledger_seq::float8 AS ledger_seq,
       c.ledger_hash, c.issuing_office, c.issued_at, c.superseded_at
  FROM training_certificate c JOIN cqo_person p ON p.id = c.person_id LEFT JOIN enterprise e ON e.id = c.enterprise_id`;

/**
 * Hours certificates (学时证明, 001 §10 and 附录C): issued from the ledger per person and year,
 * anchored to the ledger's head, and checkable by anyone with the code. A certificate whose year
 * later changes in the ledger (a late record, a reversal) is superseded by a new one.
 */
@Injectable()
export class HoursCertificatesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly training: TrainingService,
    private readonly ledger: LedgerService,
    private readonly audit: AuditService,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The current certificate of the person's year, issuing a new one when the ledger changed since. */
  async issue(actor: Actor, personId: string, year: number): Promise<TrainingCertificate> {
    const person = await this.training.assertPerson(actor, personId, 'read');
    const today = this.clock.today();
    if (!Number.isInteger(year) || year < 2000 || year > yearOf(today)) {
      throw AppException.validation([{ field: 'year', code: 'range', message: `年度应在 2000 至 ${yearOf(today)} 之间` }]);
    }
    const code = await this.unitOfWork.run(actor, 'training.certificate.issue', async (m, tx) => {
      // Under the ledger lock: the records and the head read here are the ones the certificate states.
      await this.ledger.lock(m);
      const records: { id: string; hash: string }[] = await m.query(
        `SELECT id, hash FROM training_live WHERE person_id = $1 AND end_date BETWEEN $2::date AND $3::date ORDER BY seq`,
        [personId, `${year}-01-01`, `${year}-12-31`],
      );
      const contentHash = createHash('sha256').update(records.map((r) => `${r.id}:${r.hash}`).join('\n')).digest('hex');
      const [current] = await m.query(`SELECT code, content_hash FROM training_certificate WHERE person_id = $1 AND year = $2 AND superseded_at IS NULL`, [
        personId,
        year,
      ]);
      if (current && current.content_hash === contentHash) return current.code as string;
      const now = this.clock.now();
      if (current) await m.query(`UPDATE training_certificate SET superseded_at = $2 WHERE code = $1`, [current.code, now]);
      const hours = await this.training.yearHours(m, personId, year);
      const head = await this.ledger.head(m);
      const newCode = await this.freeCode(m);
      await m.query(
        `INSERT INTO training_certificate (code, person_id, enterprise_id, year, period_from, period_to, hours, total_hours, content_hash,
                                           ledger_seq, ledger_hash, issuing_office, issued_by, issued_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [
          newCode,
          personId,
          person.enterpriseId,
          year,
          `${year}-01-01`,
          year < yearOf(today) ? `${year}-12-31` : today,
          JSON.stringify(hours),
          hours.firstCategory + hours.secondCategory,
          contentHash,
          head.seq,
          head.hash,
          await this.issuingOffice(m),
          actor.userId || null,
          now,
        ],
      );
      await tx.audit({ objectType: 'training_certificate', objectId: newCode, details: { personId, year, supersedes: current?.code ?? null } });
      return newCode;
    });
    return this.view(actor, code);
  }

  /** A certificate names a person and their hours: every read is in the audit log (issue 18 item 8, SPEC §1, 等保 2.0 L3 安全审计). */
  async get(actor: Actor, code: string): Promise<TrainingCertificate> {
    const cert = await this.view(actor, code);
    await this.audit.record({ actor, ip: actor.ip, action: 'training.certificate.read', objectType: 'training_certificate', objectId: cert.code, result: 'success', details: { personId: cert.personId, year: cert.year } });
    return cert;
  }

  private async view(actor: Actor, code: string): Promise<TrainingCertificate> {
    const row = await this.row(code);
    if (!row) throw AppException.notFound('学时证明');
    await this.training.assertPerson(actor, row.person_id, 'read');
    return {
      code: row.code,
      personId: row.person_id,
      personName: row.person_name,
      enterpriseName: row.enterprise_name,
      year: row.year,
      periodFrom: row.period_from,
      periodTo: row.period_to,
      hours: row.hours,
      totalHours: row.total_hours,
      issuingOffice: row.issuing_office,
      issuedAt: row.issued_at.toISOString(),
      status: row.superseded_at ? 'superseded' : 'valid',
      ledgerSeq: Number(row.ledger_seq),
      ledgerHash: row.ledger_hash,
    };
  }

  /**
   * What anyone holding the code may see: the name masked as the evaluation certificate's page
   * masks it (张*丰, issue 18 item 8), hours and validity. An unknown or malformed code is the same
   * 404 whatever the reason, so the page reveals nothing about who exists. Each successful check
   * is audited with the client's address (who, what, when).
   */
  async verifyPublic(code: string, ip: string | null = null): Promise<PublicTrainingVerification> {
    const normal = String(code ?? '').trim().toUpperCase();
    const row = CODE_PATTERN.test(normal) ? await this.row(normal) : null;
    if (!row) throw AppException.notFound('学时证明');
    await this.audit.record({ ip, action: 'training.certificate.verify', objectType: 'training_certificate', objectId: row.code, result: 'success', details: { public: true } });
    return {
      type: 'training-hours',
      code: row.code,
      name: maskName(row.person_name),
      year: row.year,
      periodFrom: row.period_from,
      periodTo: row.period_to,
      hours: row.hours,
      totalHours: row.total_hours,
      issuedAt: row.issued_at.toISOString(),
      status: row.superseded_at ? 'superseded' : 'valid',
    };
  }

  private async row(code: string): Promise<CertificateRow | null> {
    const [row] = await this.dataSource.query(`${CERT_SELECT} WHERE c.code = $1`, [code]);
    return row ?? null;
  }

  private async freeCode(m: EntityManager): Promise<string> {
    for (;;) {
      const groups = [0, 1, 2].map(() => Array.from({ length: 4 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join(''));
      const code = `TH-${groups.join('-')}`;
      const [taken] = await m.query(`SELECT 1 FROM training_certificate WHERE code = $1`, [code]);
      if (!taken) return code;
    }
  }

  private async issuingOffice(m: EntityManager): Promise<string> {
    const [province] = await m.query(`SELECT name FROM region WHERE code = $1`, [this.config.provinceCode]);
    return `${province?.name ?? ''}质量强省工作领导小组办公室`;
  }
}
