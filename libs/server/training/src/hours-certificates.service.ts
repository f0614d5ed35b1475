import { createHash, randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PublicTrainingVerification, TrainingCertificate } from '@cqo/contracts';
import { maskName, yearOf } from '@cqo/policy';
import { AuditService } from '@cqo/server-audit';
import { AppException, Clock, type Actor } from '@cqo/server-common';
import { UnitOfWork } from '@cqo/server-queue';
import { RegionsService } from '@cqo/server-regions';
import { HoursCertificatesRepository } from './hours-certificates.repository';
import { LedgerService } from './ledger.service';
import { TrainingRecordsRepository } from './training-records.repository';
import { TrainingService } from './training.service';

/** Crockford-style alphabet without 0/O, 1/I/L and U: codes are read aloud and typed from paper. */
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_PATTERN = /^TH-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$/;

/**
 * Hours certificates (学时证明, 001 §10 and 附录C): issued from the ledger per person and year,
 * anchored to the ledger's head, and checkable by anyone with the code. A certificate whose year
 * later changes in the ledger (a late record, a reversal) is superseded by a new one.
 */
@Injectable()
export class HoursCertificatesService {
  constructor(
    private readonly certificates: HoursCertificatesRepository,
    private readonly records: TrainingRecordsRepository,
    private readonly training: TrainingService,
    private readonly ledger: LedgerService,
    private readonly audit: AuditService,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
    private readonly regions: RegionsService,
  ) {}

  /** The current certificate of the person's year, issuing a new one when the ledger changed since. */
  async issue(actor: Actor, personId: string, year: number): Promise<TrainingCertificate> {
    const person = await this.training.assertPerson(actor, personId, 'read');
    const today = this.clock.today();
    if (!Number.isInteger(year) || year < 2000 || year > yearOf(today)) {
      throw AppException.validation([{ field: 'year', code: 'range', message: `年度应在 2000 至 ${yearOf(today)} 之间` }]);
    }
    // Before the transaction: the province may have to be read on the pool (it is cached after).
    const issuingOffice = await this.issuingOffice();
    const code = await this.unitOfWork.run(actor, 'training.certificate.issue', async (m, tx) => {
      // Under the ledger lock: the records and the head read here are the ones the certificate states.
      await this.ledger.lock(m);
      const records = await this.records.yearRecordHashes(m, personId, year);
      const contentHash = createHash('sha256').update(records.map((r) => `${r.id}:${r.hash}`).join('\n')).digest('hex');
      const current = await this.certificates.current(m, personId, year);
      if (current && current.content_hash === contentHash) return current.code;
      const now = this.clock.now();
      if (current) await this.certificates.supersede(m, current.code, now);
      const hours = await this.training.yearHours(m, personId, year);
      const head = await this.ledger.head(m);
      const newCode = await this.freeCode(m);
      await this.certificates.insert(m, {
        code: newCode,
        personId,
        enterpriseId: person.enterpriseId,
        year,
        periodFrom: `${year}-01-01`,
        periodTo: year < yearOf(today) ? `${year}-12-31` : today,
        hours,
        totalHours: hours.firstCategory + hours.secondCategory,
        contentHash,
        ledgerSeq: head.seq,
        ledgerHash: head.hash,
        issuingOffice,
        issuedBy: actor.userId || null,
        issuedAt: now,
      });
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
    const row = await this.certificates.byCode(code);
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
    const row = CODE_PATTERN.test(normal) ? await this.certificates.byCode(normal) : null;
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

  private async freeCode(m: EntityManager): Promise<string> {
    for (;;) {
      const groups = [0, 1, 2].map(() => Array.from({ length: 4 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join(''));
      const code = `TH-${groups.join('-')}`;
      if (!(await this.certificates.codeTaken(m, code))) return code;
    }
  }

  private async issuingOffice(): Promise<string> {
    return `${(await this.regions.province()).name}质量强省工作领导小组办公室`;
  }
}
