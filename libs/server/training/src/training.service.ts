import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type {
  CreateTrainingRecordRequest,
  Page,
  ShortfallItem,
  ShortfallPage,
  ShortfallQuery,
  TrainingCategory,
  TrainingProgress,
  TrainingRecordItem,
  TrainingRecordQuery,
  TrainingYearHours,
} from '@cqo/contracts';
import { SHORTFALL_SORT_KEYS, type ShortfallSortKey } from '@cqo/contracts';
import {
  annualTrainingRule,
  type AnnualTrainingRule,
  emptyYearHours,
  initialTrainingRequired,
  maskName,
  normaliseCertificateNo,
  readsPersonalData,
  validateTrainingRecord,
  yearlyCompliance,
  yearOf,
} from '@cqo/policy';
import { ScopeService } from '@cqo/server-auth';
import { AppException, Clock, orderBySort, queryPage, type Actor } from '@cqo/server-common';
import { EligibilityService, ProfilesService } from '@cqo/server-eligibility';
import { UnitOfWork, type UnitOfWorkTx } from '@cqo/server-queue';
import { LedgerService } from './ledger.service';

interface RecordRow {
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

const RECORD_SELECT = `SELECT t.id, t.seq::float8 AS seq, t.kind, t.person_id, p.name AS person_name, t.enterprise_id, e.name AS enterprise_name,
       t.category, t.course, t.provider, t.start_date::text AS start_date, t.end_date::text AS end_date, t.hours::float8 AS hours,
       t.certificate_no, t.source, t.reverses, rv.id AS reversed_by, t.reason, t.recorded_at, u.display_name AS recorded_by_name, t.hash
  FROM training_record t
  JOIN cqo_person p ON p.id = t.person_id
  LEFT JOIN enterprise e ON e.id = t.enterprise_id
  LEFT JOIN training_record rv ON rv.reverses = t.id
  LEFT JOIN app_user u ON u.id = t.recorded_by`;

/** An enterprise with the CQO whose term is running today. */
interface EnterpriseCqo {
  id: string;
  name: string;
  region_path: string;
  person_id: string | null;
  person_name: string | null;
  appointed_on: string | null;
  term_end: string | null;
}

/** Sums of one person's counted records (entries not reversed) in one calendar year. */
export const YEAR_HOURS_SQL = `coalesce(sum(t.hours) FILTER (WHERE t.category = '任职培训'), 0)::float8 AS initial,
  coalesce(sum(t.hours) FILTER (WHERE t.category = '继续教育(第一类)'), 0)::float8 AS first,
  coalesce(sum(t.hours) FILTER (WHERE t.category = '第二类'), 0)::float8 AS second,
  count(t.id) FILTER (WHERE t.category = '组织培训活动')::int AS activities`;

export function toYearHours(r: { initial: number; first: number; second: number; activities: number }): TrainingYearHours {
  return { initial: r.initial, firstCategory: r.first, secondCategory: r.second, activities: r.activities };
}

/**
 * CQOs to whom the year's training rule applies, with their hours of year `year` and what they are
 * short of (SPEC §3 applicability: appointed before Jan 1 of Y and still in post on Dec 31 of Y, and in
 * post today). The one statement behind the 培训未达标 list and the training-shortfall message (issue 22).
 * `regionWhere` is a condition over enterprise `e` whose parameters are already in `params`.
 */
export function shortfallJudgedSql(params: unknown[], rule: AnnualTrainingRule, year: number, today: string, regionWhere = 'true'): string {
  const where = [
    `a.status = 'active'`,
    `(a.term_end IS NULL OR a.term_end >= $${params.push(today)}::date)`,
    `a.appointed_on < $${params.push(`${year}-01-01`)}::date`,
    `(a.term_end IS NULL OR a.term_end >= $${params.push(`${year}-12-31`)}::date)`,
    regionWhere,
  ];
  const y0 = params.push(`${year}-01-01`);
  const y1 = params.push(`${year}-12-31`);
  const t1 = params.push(rule.minFirstCategory ?? 0);
  const t2 = params.push(rule.minSecondCategory ?? 0);
  const tt = params.push(rule.minTotal ?? 0);
  const ta = params.push(rule.minActivities ?? 0);
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
      SELECT h.*, greatest(greatest($${t1} - h.first, 0) + greatest($${t2} - h.second, 0), $${tt} - (h.first + h.second), 0)::float8 AS short_hours,
             greatest($${ta} - h.activities, 0)::int AS short_activities
        FROM hours h`;
}

/**
 * Training records (SPEC §4): enterprises add their own CQO's, providers' come by import; every
 * write goes through the ledger and re-judges the person's active appointments in the same
 * transaction, since yearly hours are a (soft) eligibility rule.
 */
@Injectable()
export class TrainingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: LedgerService,
    private readonly scope: ScopeService,
    private readonly unitOfWork: UnitOfWork,
    private readonly eligibility: EligibilityService,
    private readonly policy: ProfilesService,
    private readonly clock: Clock,
  ) {}

  async list(actor: Actor, q: TrainingRecordQuery): Promise<Page<TrainingRecordItem>> {
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 20;
    const params: unknown[] = [];
    const where: string[] = [];
    if (q.enterpriseId) {
      const e = await this.enterprise(actor, q.enterpriseId, 'read');
      // The ledger is the person's: the enterprise sees its current CQO's records wherever they were earned.
      if (!e.person_id) return { items: [], total: 0, page, pageSize };
      where.push(`t.person_id = $${params.push(e.person_id)}`);
    } else if (q.personId) {
      await this.assertPerson(actor, q.personId, 'read');
      where.push(`t.person_id = $${params.push(q.personId)}`);
    } else {
      where.push(`EXISTS (SELECT 1 FROM enterprise e2 WHERE e2.id = t.enterprise_id AND ${this.scope.wherePositional(actor, 'e2', params)})`);
    }
    if (q.year) where.push(`t.end_date BETWEEN $${params.push(`${q.year}-01-01`)}::date AND $${params.push(`${q.year}-12-31`)}::date`);
    const clause = where.join(' AND ');
    return queryPage(this.dataSource, { from: `FROM training_record t WHERE ${clause}`, select: `${RECORD_SELECT} WHERE ${clause} ORDER BY t.seq DESC` }, params, { page, pageSize }, toItem);
  }

  /** The enterprise's active CQO in `year`: hours by category and progress toward each threshold. */
  async progress(actor: Actor, enterpriseId: string | undefined, year: number | undefined): Promise<TrainingProgress> {
    const id = enterpriseId ?? actor.enterpriseId;
    if (!id) throw AppException.validation([{ field: 'enterpriseId', code: 'required', message: '请选择企业' }]);
    const e = await this.enterprise(actor, id, 'read');
    const today = this.clock.today();
    const y = year ?? yearOf(today);
    const profile = await this.policy.profileAt(y < yearOf(today) ? `${y}-12-31` : today);
    const base = { enterpriseId: e.id, enterpriseName: e.name, year: y };
    const required = initialTrainingRequired(profile);
    if (!e.person_id || !e.appointed_on) {
      return { ...base, person: null, hours: emptyYearHours(), compliance: null, initialTraining: { hours: 0, required, certificateNo: null } };
    }
    const hours = await this.yearHours(this.dataSource.manager, e.person_id, y);
    const [initial] = await this.dataSource.query(
      `SELECT coalesce(sum(hours), 0)::float8 AS hours, max(certificate_no) AS certificate_no
         FROM training_live WHERE person_id = $1 AND category = '任职培训' AND end_date <= $2::date`,
      [e.person_id, e.appointed_on],
    );
    return {
      ...base,
      person: { id: e.person_id, name: e.person_name ?? '', appointedOn: e.appointed_on, termEnd: e.term_end },
      hours,
      compliance: yearlyCompliance(profile, { appointedOn: e.appointed_on, termEnd: e.term_end }, y, hours),
      initialTraining: { hours: initial.hours, required, certificateNo: initial.certificate_no },
    };
  }

  /** An enterprise records a course its current CQO took. */
  async create(actor: Actor, dto: CreateTrainingRecordRequest): Promise<TrainingRecordItem> {
    const enterpriseId = actor.role === 'enterprise' ? actor.enterpriseId : dto.enterpriseId;
    if (!enterpriseId) throw AppException.validation([{ field: 'enterpriseId', code: 'required', message: '请选择企业' }]);
    const e = await this.enterprise(actor, enterpriseId, 'write');
    if (!e.person_id) {
      throw AppException.validation([{ field: 'enterpriseId', code: 'noCqo', message: '该企业没有在任首席质量官，请先备案首席质量官' }]);
    }
    const errors = validateTrainingRecord(dto, this.clock.today());
    if (errors.length) throw AppException.validation(errors);
    const certificateNo = normaliseCertificateNo(dto.certificateNo);
    const id = await this.unitOfWork.run(actor, 'training.record', async (m, tx) => {
      await this.ledger.lock(m);
      if (certificateNo && (await this.certificateTaken(m, [certificateNo])).has(certificateNo)) {
        throw AppException.validation([{ field: 'certificateNo', code: 'duplicate', message: `证书编号 ${certificateNo} 已登记，不能重复登记` }]);
      }
      const [rec] = await this.ledger.append(m, [
        {
          kind: 'entry',
          personId: e.person_id!,
          enterpriseId: e.id,
          category: dto.category,
          course: dto.course.trim(),
          provider: dto.provider.trim(),
          startDate: dto.startDate,
          endDate: dto.endDate,
          hours: Number(dto.hours),
          certificateNo,
          source: 'enterprise',
          reverses: null,
          reason: null,
          importId: null,
          recordedAt: this.clock.now(),
          recordedBy: actor.userId || null,
        },
      ]);
      await this.afterWrite(m, tx, [e.person_id!], [e.id], 'training.record', rec.id, { category: dto.category, hours: Number(dto.hours) });
      return rec.id;
    });
    return this.item(id);
  }

  /** A correction: a reversal record cancels the entry; the entry itself is never touched. */
  async reverse(actor: Actor, id: string, reason: string): Promise<TrainingRecordItem> {
    const [t] = /^[0-9a-f-]{36}$/i.test(id)
      ? await this.dataSource.query(
          `SELECT t.*, t.start_date::text AS start_date, t.end_date::text AS end_date, t.hours::float8 AS hours, e.region_path
             FROM training_record t LEFT JOIN enterprise e ON e.id = t.enterprise_id WHERE t.id = $1`,
          [id],
        )
      : [];
    if (!t) throw AppException.notFound('培训记录');
    const obj = { type: 'training_record', id, regionPath: t.region_path ?? '/none/', enterpriseId: t.enterprise_id };
    await this.scope.assert(actor, obj, 'read', '培训记录');
    // An enterprise corrects what it reported; a provider's record is corrected by the office.
    const mayWrite = actor.role === 'enterprise' ? t.source === 'enterprise' && this.scope.allows(actor, obj, 'write') : actor.role !== 'admin' && this.scope.allows(actor, obj, 'write');
    if (!mayWrite) throw AppException.forbidden(actor.role === 'enterprise' ? '培训机构导入的记录只能由主管部门冲销' : '无权冲销该培训记录');
    if (t.kind !== 'entry') throw AppException.validation([{ field: 'id', code: 'reversal', message: '冲销记录不能再次冲销' }]);
    const text = reason?.trim() ?? '';
    if (!text) throw AppException.validation([{ field: 'reason', code: 'required', message: '请填写冲销原因' }]);
    if (text.length > 500) throw AppException.validation([{ field: 'reason', code: 'length', message: '冲销原因不能超过500个字符' }]);
    const newId = await this.unitOfWork.run(actor, 'training.reverse', async (m, tx) => {
      await this.ledger.lock(m);
      const [done] = await m.query(`SELECT id FROM training_record WHERE reverses = $1`, [id]);
      if (done) throw AppException.conflict('该培训记录已被冲销');
      const [rec] = await this.ledger.append(m, [
        {
          kind: 'reversal',
          personId: t.person_id,
          enterpriseId: t.enterprise_id,
          category: t.category,
          course: t.course,
          provider: t.provider,
          startDate: t.start_date,
          endDate: t.end_date,
          hours: -t.hours,
          certificateNo: t.certificate_no,
          source: t.source,
          reverses: id,
          reason: text,
          importId: null,
          recordedAt: this.clock.now(),
          recordedBy: actor.userId || null,
        },
      ]);
      await this.afterWrite(m, tx, [t.person_id], t.enterprise_id ? [t.enterprise_id] : [], 'training.reverse', rec.id, { reverses: id, reason: text });
      return rec.id;
    });
    return this.item(newId);
  }

  /** CQOs in scope short of the year's hours, most hours short first (SPEC §3 applicability). */
  async shortfall(actor: Actor, q: ShortfallQuery): Promise<ShortfallPage> {
    const today = this.clock.today();
    const year = q.year ?? yearOf(today);
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 20;
    const profile = await this.policy.profileAt(year < yearOf(today) ? `${year}-12-31` : today);
    const rule = annualTrainingRule(profile);
    const empty: ShortfallPage = {
      items: [],
      total: 0,
      page,
      pageSize,
      year,
      profile: `${profile.name}@${profile.version}`,
      clause: rule?.clause ?? null,
      summary: { applicable: 0, compliant: 0, short: 0 },
    };
    if (!rule) return empty;
    const params: unknown[] = [];
    const judged = shortfallJudgedSql(params, rule, year, today, this.scope.regionFilter(actor, 'e', params, { region: q.region }));
    const [summary] = await this.dataSource.query(
      `SELECT count(*)::int AS applicable, count(*) FILTER (WHERE short_hours = 0 AND short_activities = 0)::int AS compliant FROM (${judged}) j`,
      params,
    );
    const rows = await this.dataSource.query(
      `SELECT * FROM (${judged}) j WHERE short_hours > 0 OR short_activities > 0
        ORDER BY ${orderBySort(q.sort, SHORTFALL_SORT_KEYS, SHORTFALL_SORT_SQL, 'short_hours DESC, short_activities DESC, region_code, enterprise_name, person_id')}
        LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
      params,
    );
    const items: ShortfallItem[] = rows.map(
      (r: { enterprise_id: string; enterprise_name: string; region_code: string; region_name: string; person_id: string; person_name: string; appointed_on: string; term_end: string | null; initial: number; first: number; second: number; activities: number }) => {
        const hours = toYearHours(r);
        const c = yearlyCompliance(profile, { appointedOn: r.appointed_on, termEnd: r.term_end }, year, hours);
        return {
          enterpriseId: r.enterprise_id,
          enterpriseName: r.enterprise_name,
          regionCode: r.region_code,
          regionName: r.region_name,
          personId: r.person_id,
          // admin keeps the system's ledger check on this page but reads no names (SPEC §1, issue 18 item 8).
          personName: readsPersonalData(actor.role) ? r.person_name : maskName(r.person_name),
          appointedOn: r.appointed_on,
          hours,
          parts: c.parts,
          shortHours: c.shortHours,
          shortActivities: c.shortActivities,
        };
      },
    );
    return { ...empty, items, total: summary.applicable - summary.compliant, summary: { ...summary, short: summary.applicable - summary.compliant } };
  }

  async item(id: string): Promise<TrainingRecordItem> {
    const [row] = await this.dataSource.query(`${RECORD_SELECT} WHERE t.id = $1`, [id]);
    if (!row) throw AppException.notFound('培训记录');
    return toItem(row);
  }

  /** A person's counted hours in one calendar year. */
  async yearHours(m: EntityManager, personId: string, year: number): Promise<TrainingYearHours> {
    const [row] = await m.query(
      `SELECT ${YEAR_HOURS_SQL} FROM training_live t WHERE t.person_id = $1 AND t.end_date BETWEEN $2::date AND $3::date`,
      [personId, `${year}-01-01`, `${year}-12-31`],
    );
    return toYearHours(row);
  }

  /** Certificate numbers among `numbers` already on a counted entry. Call with the ledger lock held. */
  async certificateTaken(m: EntityManager, numbers: string[]): Promise<Set<string>> {
    if (!numbers.length) return new Set();
    const rows: { certificate_no: string }[] = await m.query(
      `SELECT certificate_no FROM training_live WHERE certificate_no = ANY($1)`,
      [numbers],
    );
    return new Set(rows.map((r) => r.certificate_no));
  }

  /** Re-judge the people's appointments, audit, and let the statistics know — inside the write's unit of work. */
  async afterWrite(
    m: EntityManager,
    tx: UnitOfWorkTx,
    personIds: string[],
    enterpriseIds: string[],
    action: string,
    objectId: string | null,
    details: Record<string, unknown>,
  ): Promise<void> {
    if (personIds.length) await this.eligibility.refresh(m, { personIds: [...new Set(personIds)] });
    await tx.audit({ action, objectType: 'training_record', objectId, details });
    const first = enterpriseIds[0];
    await tx.enqueue('stats.refresh', enterpriseIds.length === 1 && first ? { reason: action, enterpriseId: first } : { reason: action });
  }

  /** The enterprise (in the actor's scope for `access`) with its CQO whose term is running today. */
  async enterprise(actor: Actor, id: string, access: 'read' | 'write'): Promise<EnterpriseCqo> {
    const [e]: EnterpriseCqo[] = /^[0-9a-f-]{36}$/i.test(id)
      ? await this.dataSource.query(
          `SELECT e.id, e.name, e.region_path, a.person_id, p.name AS person_name, a.appointed_on::text AS appointed_on, a.term_end::text AS term_end
             FROM enterprise e
             LEFT JOIN appointment a ON a.enterprise_id = e.id AND a.status = 'active' AND (a.term_end IS NULL OR a.term_end >= $2::date)
             LEFT JOIN cqo_person p ON p.id = a.person_id
            WHERE e.id = $1`,
          [id, this.clock.today()],
        )
      : [];
    if (!e) throw AppException.notFound('企业');
    await this.scope.assert(actor, { type: 'enterprise', id: e.id, regionPath: e.region_path, enterpriseId: e.id }, access, '企业');
    return e;
  }

  /** A person is visible to whoever sees an enterprise that ever appointed them. */
  async assertPerson(actor: Actor, personId: string, access: 'read' | 'write'): Promise<{ name: string; enterpriseId: string; regionPath: string }> {
    const rows: { name: string; enterprise_id: string; region_path: string; active: boolean }[] = /^[0-9a-f-]{36}$/i.test(personId)
      ? await this.dataSource.query(
          `SELECT p.name, a.enterprise_id, e.region_path, a.status = 'active' AS active
             FROM cqo_person p JOIN appointment a ON a.person_id = p.id JOIN enterprise e ON e.id = a.enterprise_id
            WHERE p.id = $1 ORDER BY (a.status = 'active') DESC, a.appointed_on DESC`,
          [personId],
        )
      : [];
    const visible = rows.find((r) => this.scope.allows(actor, { regionPath: r.region_path, enterpriseId: r.enterprise_id }, access));
    if (!visible) {
      await this.scope.assert(actor, { type: 'cqo_person', id: personId, regionPath: '/none/', enterpriseId: null }, access, '首席质量官');
      throw AppException.notFound('首席质量官');
    }
    return { name: visible.name, enterpriseId: visible.enterprise_id, regionPath: visible.region_path };
  }
}

function toItem(r: RecordRow): TrainingRecordItem {
  return {
    id: r.id,
    seq: Number(r.seq),
    kind: r.kind,
    personId: r.person_id,
    personName: r.person_name,
    enterpriseId: r.enterprise_id,
    enterpriseName: r.enterprise_name,
    category: r.category,
    course: r.course,
    provider: r.provider,
    startDate: r.start_date,
    endDate: r.end_date,
    hours: r.hours,
    certificateNo: r.certificate_no,
    source: r.source,
    reverses: r.reverses,
    reversedBy: r.reversed_by,
    reason: r.reason,
    recordedAt: r.recorded_at.toISOString(),
    recordedByName: r.recorded_by_name,
    hash: r.hash,
  };
}

/** The column each shortfall sort key orders by (issue 20 item 3); the DTO admits only these keys. */
const SHORTFALL_SORT_SQL: Record<ShortfallSortKey, string> = {
  enterprise: 'enterprise_name',
  region: 'region_code',
  person: 'person_name',
  appointedOn: 'appointed_on',
  shortHours: 'short_hours',
  shortActivities: 'short_activities',
};

