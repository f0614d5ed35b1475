import { Injectable } from '@nestjs/common';
import type { AddTalentRequest, GradeDistribution, GradeDistributionRow, TalentPoolItem, TalentPoolPage, TalentPoolQuery } from '@cqo/contracts';
import { AppException, Clock, pickCamel, type Actor } from '@cqo/server-common';
import { UnitOfWork } from '@cqo/server-queue';
import { RegionsService } from '@cqo/server-regions';
import { EvaluationCertificatesRepository } from './evaluation-certificates.repository';
import { EvaluationCertificatesService } from './evaluation-certificates.service';
import { EvaluationRecordsRepository, type TalentRow } from './evaluation-records.repository';

/** The 人才库 (001 §11) and the grade distribution by 市州 (the province dashboard card). */
@Injectable()
export class TalentPoolService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly regions: RegionsService,
    private readonly certificates: EvaluationCertificatesService,
    private readonly clock: Clock,
    private readonly records: EvaluationRecordsRepository,
    private readonly certificateRecords: EvaluationCertificatesRepository,
  ) {}

  async list(actor: Actor, q: TalentPoolQuery): Promise<TalentPoolPage> {
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 20;
    return this.records.listTalent((params) => this.certificates.scopeSql(actor, params, 'c', q.region), q.grade, { page, pageSize }, toItem);
  }

  /** Only a holder of a valid certificate in scope; one membership per person. */
  async add(actor: Actor, dto: AddTalentRequest): Promise<TalentPoolItem> {
    const id = await this.unitOfWork.run(actor, 'evaluation.talent.add', async (m, tx) => {
      const c = await this.certificateRecords.lockCertificateInScope(m, dto.certificateId, (params) => this.certificates.scopeSql(actor, params));
      if (!c) throw AppException.notFound('证书');
      if (c.status !== 'valid') throw AppException.conflict('只有有效证书的持证人可以入选人才库');
      if (await this.records.currentTalentOf(m, c.person_id)) throw AppException.conflict('该首席质量官已在人才库中');
      const talentId = await this.records.addTalent(m, { personId: c.person_id, certificateId: c.id, note: dto.note?.trim() || null, at: this.clock.now(), by: actor.userId });
      await tx.audit({ objectType: 'evaluation_talent', objectId: talentId, details: { certificateId: c.id, personId: c.person_id } });
      return talentId;
    });
    return toItem(await this.records.talentById(id));
  }

  async remove(actor: Actor, id: string, reason: string): Promise<void> {
    await this.unitOfWork.run(actor, 'evaluation.talent.remove', async (m, tx) => {
      const t = await this.records.lockCurrentTalentInScope(m, id, (params) => this.certificates.scopeSql(actor, params));
      if (!t) throw AppException.notFound('人才库记录');
      await this.records.removeTalent(m, id, { at: this.clock.now(), by: actor.userId, reason: reason.trim() });
      await tx.audit({ objectType: 'evaluation_talent', objectId: id, details: { personId: t.person_id, reason } });
    });
  }

  /**
   * Valid certificates by grade for each child of the caller's root region: the 市州 for the
   * province (and the evaluator and admin), the 县 for a city.
   */
  async distribution(actor: Actor): Promise<GradeDistribution> {
    const root = actor.role === 'evaluator' || actor.role === 'admin' ? await this.regions.province() : await this.regions.scopeRoot(actor);
    const depth = root.path.split('/').filter(Boolean).length + 2; // split_part index of the child code
    const rows = await this.certificateRecords.validGradesByChildRegion(root.code, depth);
    const byRegion = new Map<string, GradeDistributionRow>();
    for (const r of rows) {
      const row = byRegion.get(r.code) ?? { regionCode: r.code, regionName: r.name, AAA: 0, AAAA: 0, AAAAA: 0, total: 0 };
      if (r.grade === 'AAA' || r.grade === 'AAAA' || r.grade === 'AAAAA') {
        row[r.grade] += r.n;
        row.total += r.n;
      }
      byRegion.set(r.code, row);
    }
    const list = [...byRegion.values()];
    const totals = list.reduce(
      (t, r) => ({ ...t, AAA: t.AAA + r.AAA, AAAA: t.AAAA + r.AAAA, AAAAA: t.AAAAA + r.AAAAA, total: t.total + r.total }),
      { regionCode: root.code, regionName: root.name, AAA: 0, AAAA: 0, AAAAA: 0, total: 0 } as GradeDistributionRow,
    );
    const talentPool = await this.records.countValidTalentIn(root.path);
    return { regionCode: root.code, asOf: this.clock.today(), rows: list, totals, talentPool };
  }
}

function toItem(r: TalentRow): TalentPoolItem {
  return {
    ...pickCamel(r, ['id', 'person_id', 'holder_name', 'certificate_id', 'grade', 'organisation_name', 'city_code', 'city_name', 'note', 'added_by_name']),
    certificateNumber: r.number,
    certificateStatus: r.status,
    addedAt: new Date(r.added_at).toISOString(),
  };
}
