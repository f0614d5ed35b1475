import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AddTalentRequest, GradeDistribution, GradeDistributionRow, TalentPoolItem, TalentPoolPage, TalentPoolQuery } from '@cqo/contracts';
import { inRegion } from '@cqo/server-auth';
import { AppException, Clock, queryPage, type Actor } from '@cqo/server-common';
import { UnitOfWork } from '@cqo/server-queue';
import { RegionsService } from '@cqo/server-regions';
import { EvaluationCertificatesService } from './evaluation-certificates.service';
import { EvaluationRecordsRepository } from './evaluation-records.repository';

const SELECT = `SELECT t.id, t.person_id, c.holder_name, t.certificate_id, c.number, c.grade, c.status, c.organisation_name,
       coalesce(city.code, e.region_code) AS city_code, coalesce(city.name, r.name) AS city_name, t.note, t.added_at, u.display_name AS added_by_name
  FROM evaluation_talent t JOIN evaluation_certificate c ON c.id = t.certificate_id JOIN enterprise e ON e.id = c.enterprise_id
  JOIN region r ON r.code = e.region_code LEFT JOIN region city ON city.code = split_part(c.region_path, '/', 3)
  LEFT JOIN app_user u ON u.id = t.added_by`;

/** The 人才库 (001 §11) and the grade distribution by 市州 (the province dashboard card). */
@Injectable()
export class TalentPoolService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly unitOfWork: UnitOfWork,
    private readonly regions: RegionsService,
    private readonly certificates: EvaluationCertificatesService,
    private readonly clock: Clock,
    private readonly records: EvaluationRecordsRepository,
  ) {}

  async list(actor: Actor, q: TalentPoolQuery): Promise<TalentPoolPage> {
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 20;
    const params: unknown[] = [];
    const where = ['t.removed_at IS NULL', this.certificates.scopeSql(actor, params, 'c', q.region)];
    if (q.grade) where.push(`c.grade = $${params.push(q.grade)}`);
    const clause = where.join(' AND ');
    const sql = { from: `FROM evaluation_talent t JOIN evaluation_certificate c ON c.id = t.certificate_id WHERE ${clause}`, select: `${SELECT} WHERE ${clause} ORDER BY t.added_at DESC` };
    return queryPage(this.dataSource, sql, params, { page, pageSize }, toItem);
  }

  /** Only a holder of a valid certificate in scope; one membership per person. */
  async add(actor: Actor, dto: AddTalentRequest): Promise<TalentPoolItem> {
    const id = await this.unitOfWork.run(actor, 'evaluation.talent.add', async (m, tx) => {
      const params: unknown[] = [dto.certificateId];
      const [c] = await m.query(
        `SELECT c.id, c.person_id, c.status FROM evaluation_certificate c WHERE c.id = $1 AND ${this.certificates.scopeSql(actor, params)} FOR UPDATE`,
        params,
      );
      if (!c) throw AppException.notFound('证书');
      if (c.status !== 'valid') throw AppException.conflict('只有有效证书的持证人可以入选人才库');
      const [dup] = await m.query(`SELECT id FROM evaluation_talent WHERE person_id = $1 AND removed_at IS NULL`, [c.person_id]);
      if (dup) throw AppException.conflict('该首席质量官已在人才库中');
      const talentId = await this.records.addTalent(m, { personId: c.person_id, certificateId: c.id, note: dto.note?.trim() || null, at: this.clock.now(), by: actor.userId });
      await tx.audit({ objectType: 'evaluation_talent', objectId: talentId, details: { certificateId: c.id, personId: c.person_id } });
      return talentId;
    });
    const [row] = await this.dataSource.query(`${SELECT} WHERE t.id = $1`, [id]);
    return toItem(row);
  }

  async remove(actor: Actor, id: string, reason: string): Promise<void> {
    await this.unitOfWork.run(actor, 'evaluation.talent.remove', async (m, tx) => {
      const params: unknown[] = [id];
      const [t] = /^[0-9a-f-]{36}$/i.test(id)
        ? await m.query(
            `SELECT t.id, t.person_id FROM evaluation_talent t JOIN evaluation_certificate c ON c.id = t.certificate_id
              WHERE t.id = $1 AND t.removed_at IS NULL AND ${this.certificates.scopeSql(actor, params)} FOR UPDATE OF t`,
            params,
          )
        : [];
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
    const rows: { code: string; name: string; grade: string | null; n: number }[] = await this.dataSource.query(
      `SELECT ch.code, ch.name, c.grade, count(c.id)::int AS n
         FROM region ch
         LEFT JOIN evaluation_certificate c ON c.status = 'valid' AND split_part(c.region_path, '/', ${depth}) = ch.code
        WHERE ch.parent_code = $1
        GROUP BY ch.code, ch.name, c.grade ORDER BY ch.code`,
      [root.code],
    );
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
    const params: unknown[] = [];
    const [{ n }] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM evaluation_talent t JOIN evaluation_certificate c ON c.id = t.certificate_id
        WHERE t.removed_at IS NULL AND c.status = 'valid' AND ${inRegion('c', root.path, params)}`,
      params,
    );
    return { regionCode: root.code, asOf: this.clock.today(), rows: list, totals, talentPool: n };
  }
}

function toItem(r: {
  id: string;
  person_id: string;
  holder_name: string;
  certificate_id: string;
  number: string;
  grade: TalentPoolItem['grade'];
  status: TalentPoolItem['certificateStatus'];
  organisation_name: string;
  city_code: string;
  city_name: string;
  note: string | null;
  added_at: Date;
  added_by_name: string | null;
}): TalentPoolItem {
  return {
    id: r.id,
    personId: r.person_id,
    holderName: r.holder_name,
    certificateId: r.certificate_id,
    certificateNumber: r.number,
    grade: r.grade,
    certificateStatus: r.status,
    organisationName: r.organisation_name,
    cityCode: r.city_code,
    cityName: r.city_name,
    note: r.note,
    addedAt: new Date(r.added_at).toISOString(),
    addedByName: r.added_by_name,
  };
}
