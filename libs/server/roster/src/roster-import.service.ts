import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { ImportMode, ImportResult, ImportRowError, RosterImportParams } from '@cqo/contracts';
import {
  addDays,
  chinaDate,
  declarationsOf,
  maskPhone,
  ROSTER_COLUMNS,
  termYearsOf,
  validateRosterRow,
  type RosterColumn,
  type RosterCqo,
  type RosterRawRow,
  type RosterRow,
} from '@cqo/policy';
import { ScopeService } from '@cqo/server-auth';
import { AppException, Clock, NO_PROGRESS, type Actor, type ProgressSink } from '@cqo/server-common';
import { EligibilityService, PolicyService } from '@cqo/server-eligibility';
import { OutboxService } from '@cqo/server-queue';
import { checkXlsx } from '@cqo/server-training';
import {
  RosterImportRepository,
  type ActiveAppointmentRow,
  type AuditRow,
  type EndedAppointment,
  type EnterpriseRow,
  type NewAppointment,
  type RegionRow,
} from './roster-import.repository';
import { errorReport, readHeader, sheetRows, streamOrder } from './roster-sheet';
import { rosterTemplate } from './roster-template';

/** An upload on disk (the jobs lib writes the checked upload there before queueing it). */
export interface RosterFile {
  path: string;
  originalname: string;
}

export const ROSTER_MAX_ROWS = 200_000;
/** Error reports are kept this long (as the training import's). */
const KEEP_DAYS = 7;
/** How often progress is reported. */
const PROGRESS_EVERY = 500;
/** Up to this many new or changed appointments are judged inside the import; more go to the eligibility queue. */
const INLINE_ELIGIBILITY = 5000;

interface ParsedRow {
  row: number;
  data: RosterRow;
}

type Outcome = 'insert' | 'update' | 'unchanged';

/** What one row does to the database. */
interface Plan {
  row: number;
  outcome: Outcome;
  data: RosterRow;
  existing: EnterpriseRow | null;
  region: RegionRow;
  enterpriseChanged: Record<string, { before: unknown; after: unknown }>;
  awardsChanged: boolean;
  /** How the CQO columns apply: nothing, a first appointment, an update of the active one, a replacement. */
  cqo: { kind: 'none' } | { kind: 'appoint'; ended: ActiveAppointmentRow | null } | { kind: 'update' | 'replace'; active: ActiveAppointmentRow; changed: Record<string, { before: unknown; after: unknown }> };
}

/**
 * The roster import (SPEC §8): one row per enterprise with its CQO, from a city's or county's
 * spreadsheet. Every row is checked with the forms' rules (libs/policy roster rules) plus the
 * uploader's scope and what is on record; one transaction writes the lot (all-or-nothing unless
 * keep-valid), batched, idempotent by credit code. See docs/roster-import.md.
 */
@Injectable()
export class RosterImportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: RosterImportRepository,
    private readonly scope: ScopeService,
    private readonly policy: PolicyService,
    private readonly eligibility: EligibilityService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  /** Checks an upload before it is stored or queued (size, xlsx magic bytes, zip bomb, header row); throws AppException.validation with field `file`. */
  async check(buffer: Buffer, fileName: string): Promise<void> {
    await this.header(buffer, fileName);
  }

  /** The template: the §8 columns with `*` on the required ones, drop-downs and a 填写说明 sheet. */
  template(): Promise<Buffer> {
    return rosterTemplate();
  }

  /** The marked-up copy of a run's sheet; only its uploader (or an admin) may fetch it. */
  async errorReport(actor: Actor, id: string): Promise<{ fileName: string; content: Buffer }> {
    const [run] = /^[0-9a-f-]{36}$/i.test(id)
      ? await this.dataSource.query(`SELECT file_name, error_report, created_by FROM import_run WHERE id = $1 AND kind = 'roster' AND expires_at > $2`, [id, this.clock.now()])
      : [];
    if (!run?.error_report || (run.created_by !== (actor.userId || null) && actor.role !== 'admin')) throw AppException.notFound('错误报告');
    return { fileName: `${String(run.file_name).replace(/\.xlsx$/i, '')}-错误报告.xlsx`, content: run.error_report };
  }

  /** Validates every row (dry run) or imports (one transaction; all-or-nothing unless keep-valid). */
  async import(actor: Actor, file: RosterFile, params: RosterImportParams, progress: ProgressSink = NO_PROGRESS): Promise<ImportResult> {
    const raw = await readFile(file.path);
    const { ordered, columns } = await this.header(raw, file.originalname);
    const mode: ImportMode = params.mode === 'keep-valid' ? 'keep-valid' : 'all-or-nothing';
    const today = chinaDate(this.clock.now());
    const profile = await this.policy.profileAt(today);
    const ctx = { today, termYears: termYearsOf(profile), declarations: declarationsOf(profile).map((d) => d.declaration) };
    const regions = await this.repo.regions(this.dataSource.manager);

    // 1. Every row against the forms' rules, the region table and the uploader's scope.
    const errors: ImportRowError[] = [];
    const rows: ParsedRow[] = [];
    const firstRowOf = new Map<string, number>();
    let total = 0;
    for await (const r of sheetRows(ordered)) {
      if (r.number === 1) continue;
      const input: RosterRawRow = {};
      for (const c of ROSTER_COLUMNS) input[c] = r.cells.get(columns.get(c)!) ?? null;
      const result = validateRosterRow(input, ctx);
      if (result.blank) continue;
      total += 1;
      if (total > ROSTER_MAX_ROWS) throw AppException.validation([{ field: 'file', code: 'rows', message: `一次最多导入 ${ROSTER_MAX_ROWS} 行` }]);
      if (total % PROGRESS_EVERY === 0) await progress.report(total, null);
      const bad = (column: RosterColumn, reason: string) => errors.push({ row: r.number, column, reason });
      for (const e of result.errors) bad(e.column, e.reason);
      if (!result.row) continue;
      const { enterprise } = result.row;
      const region = regions.get(enterprise.regionCode);
      let ok = true;
      if (!region) {
        bad('所在地区代码', `所在地区代码“${enterprise.regionCode}”不是有效的GB/T 2260行政区划代码`);
        ok = false;
      } else if (!this.scope.allows(actor, { regionPath: region.path, enterpriseId: null }, 'write')) {
        bad('所在地区代码', '所在地区不在您的管辖范围内');
        ok = false;
      } else if (!(region.level === 3 || (region.level === 2 && region.leaf))) {
        bad('所在地区代码', '所在地区代码应为县级行政区划代码（区、县、县级市）');
        ok = false;
      }
      const first = firstRowOf.get(enterprise.creditCode);
      if (first !== undefined) {
        bad('统一社会信用代码', `统一社会信用代码与本表第 ${first} 行重复`);
        ok = false;
      } else firstRowOf.set(enterprise.creditCode, r.number);
      if (ok) rows.push({ row: r.number, data: result.row });
    }
    if (total === 0) throw AppException.validation([{ field: 'file', code: 'emptySheet', message: '表格中没有数据行' }]);
    await progress.report(0, total);

    const runId = randomUUID();
    const sha = createHash('sha256').update(raw).digest('hex');
    const now = this.clock.now();
    const result = await this.dataSource.transaction(async (m) => {
      await this.repo.lock(m);
      // 2. Against what is on record.
      const plans = await this.plan(m, actor, rows, errors, regions, today, progress, total);
      errors.sort((a, b) => a.row - b.row || ROSTER_COLUMNS.indexOf(a.column as RosterColumn) - ROSTER_COLUMNS.indexOf(b.column as RosterColumn));
      const rejectedRows = new Set(errors.map((e) => e.row)).size;
      const commit = !params.dryRun && (mode === 'keep-valid' || errors.length === 0);
      const counts = { inserted: 0, updated: 0, unchanged: 0 };
      if (commit || params.dryRun) for (const p of plans) counts[p.outcome === 'insert' ? 'inserted' : p.outcome === 'update' ? 'updated' : 'unchanged'] += 1;
      // 3. The write.
      if (commit) await this.write(m, actor, plans, runId, file.originalname, today, now, progress, total);
      const report = errors.length ? await errorReport(ordered, columns, errors) : null;
      await this.repo.insertRun(m, {
        id: runId,
        mode,
        fileName: file.originalname,
        sha256: sha,
        size: raw.length,
        committed: commit,
        total,
        ...(commit ? counts : { inserted: 0, updated: 0, unchanged: 0 }),
        rejectedRows,
        errors,
        report,
        createdBy: actor.userId || null,
        createdAt: now,
        expiresAt: new Date(now.getTime() + KEEP_DAYS * 86_400_000),
      });
      if (commit) {
        await this.repo.audit(
          m,
          actor,
          [{ action: 'roster.import', objectType: 'import_run', objectId: runId, details: { file: file.originalname, sha256: sha, mode, total, ...counts, rejectedRows } }],
          now,
        );
      }
      return { commit, counts, rejectedRows };
    });
    await progress.report(total, total);
    return {
      id: runId,
      kind: 'roster',
      mode,
      fileName: file.originalname,
      total,
      ...result.counts,
      rejected: errors,
      rejectedRows: result.rejectedRows,
      committed: result.commit,
      errorReportUrl: errors.length ? `/api/roster/imports/${runId}/error-report` : null,
    };
  }

  /** The file checks and the header row; returns the zip in stream order and the column map. */
  private async header(buffer: Buffer, fileName: string): Promise<{ ordered: Buffer; columns: Map<string, number> }> {
    const fileErrors = await checkXlsx(buffer, fileName);
    if (fileErrors.length) throw AppException.validation(fileErrors);
    let ordered: Buffer;
    let columns: Map<string, number>;
    try {
      ordered = await streamOrder(buffer);
      columns = await readHeader(ordered);
    } catch {
      throw AppException.validation([{ field: 'file', code: 'corrupt', message: '文件已损坏或不是有效的 Excel 工作簿' }]);
    }
    const missing = ROSTER_COLUMNS.filter((c) => !columns.has(c));
    if (missing.length) {
      throw AppException.validation([{ field: 'file', code: 'columns', message: `第 1 行缺少列：${missing.join('、')}（请下载并使用企业名册导入模板）` }]);
    }
    return { ordered, columns };
  }

  private async plan(
    m: EntityManager,
    actor: Actor,
    rows: ParsedRow[],
    errors: ImportRowError[],
    regions: Map<string, RegionRow>,
    today: string,
    progress: ProgressSink,
    total: number,
  ): Promise<Plan[]> {
    const existing = await this.repo.enterprises(m, rows.map((r) => r.data.enterprise.creditCode));
    const active = await this.repo.activeAppointments(m, [...existing.values()].map((e) => e.id));
    const plans: Plan[] = [];
    let done = 0;
    for (const r of rows) {
      done += 1;
      if (done % PROGRESS_EVERY === 0) await progress.report(Math.floor(done / 2), total);
      const bad = (column: RosterColumn, reason: string) => errors.push({ row: r.row, column, reason });
      const { enterprise: e, cqo } = r.data;
      const region = regions.get(e.regionCode)!;
      const before = existing.get(e.creditCode) ?? null;
      if (before && !this.scope.allows(actor, { regionPath: before.region_path, enterpriseId: null }, 'write')) {
        bad('统一社会信用代码', '该统一社会信用代码已登记为您管辖范围以外的企业，不能通过本名册修改');
        continue;
      }
      if (before && before.region_code !== e.regionCode) {
        bad('所在地区代码', `与该企业已登记的所在地区（${before.region_code}）不一致；企业迁移地区请联系上级质强办办理`);
        continue;
      }
      const enterpriseChanged: Plan['enterpriseChanged'] = {};
      let awardsChanged = e.awards.length > 0;
      if (before) {
        const fields: [string, unknown, unknown][] = [
          ['name', before.name, e.name],
          ['aboveSize', before.above_size, e.aboveSize],
          ['sizeClass', before.size_class, e.sizeClass],
          ['ownership', before.ownership, e.ownership],
          ['industry', before.industry, e.industry],
        ];
        for (const [k, b, a] of fields) if (b !== a) enterpriseChanged[k] = { before: b, after: a };
        const awards = e.awards.map((w) => `${w.award}/${w.year}`).join(';');
        // An empty 获奖情况 leaves the awards on record alone; a filled one replaces them.
        awardsChanged = e.awards.length > 0 && awards !== before.awards;
        if (awardsChanged) enterpriseChanged.awards = { before: before.awards, after: awards };
      }
      let plan: Plan['cqo'] = { kind: 'none' };
      if (cqo) {
        const current = before ? active.get(before.id) ?? null : null;
        const running = current && (current.term_end === null || current.term_end >= today) ? current : null;
        if (!running) plan = { kind: 'appoint', ended: current };
        else if (running.name === cqo.name && running.appointed_on === cqo.appointedOn) {
          const changed = cqoChanges(running, cqo);
          plan = Object.keys(changed).length ? { kind: 'update', active: running, changed } : { kind: 'none' };
        } else if (cqo.appointedOn < running.effective_from) {
          bad('聘任日期', `早于在任首席质量官（${running.name}）聘任记录的生效日期 ${running.effective_from}；如为更换人员，聘任日期应不早于该日期`);
          continue;
        } else {
          plan = { kind: 'replace', active: running, changed: { name: { before: running.name, after: cqo.name }, appointedOn: { before: running.appointed_on, after: cqo.appointedOn } } };
        }
      }
      const outcome: Outcome = !before ? 'insert' : Object.keys(enterpriseChanged).length || plan.kind !== 'none' ? 'update' : 'unchanged';
      plans.push({ row: r.row, outcome, data: r.data, existing: before, region, enterpriseChanged, awardsChanged, cqo: plan });
    }
    return plans;
  }

  private async write(
    m: EntityManager,
    actor: Actor,
    plans: Plan[],
    importId: string,
    fileName: string,
    today: string,
    now: Date,
    progress: ProgressSink,
    total: number,
  ): Promise<void> {
    const half = Math.floor(total / 2);
    const inserts = plans.filter((p) => p.outcome === 'insert');
    const ids = await this.repo.insertEnterprises(
      m,
      inserts.map((p) => ({ ...p.data.enterprise, regionPath: p.region.path })),
      now,
    );
    await progress.report(half + Math.floor(inserts.length / 4), total);
    const enterpriseId = (p: Plan) => p.existing?.id ?? ids.get(p.data.enterprise.creditCode)!;
    const updates = plans.filter((p) => p.outcome === 'update' && Object.keys(p.enterpriseChanged).some((k) => k !== 'awards'));
    await this.repo.updateEnterprises(m, updates.map((p) => ({ id: p.existing!.id, ...p.data.enterprise })), now);
    const awarded = plans.filter((p) => p.awardsChanged);
    await this.repo.replaceAwards(
      m,
      awarded.filter((p) => p.existing).map((p) => p.existing!.id),
      awarded.flatMap((p) => p.data.enterprise.awards.map((w) => ({ enterpriseId: enterpriseId(p), award: w.award, year: w.year }))),
    );

    // CQOs: end what is replaced, superseded or over, then insert the new rows (one active per enterprise).
    const withCqo = plans.filter((p) => p.cqo.kind !== 'none');
    for (const p of withCqo) {
      const c = p.cqo;
      if (c.kind === 'update' && c.active.phone !== p.data.cqo!.phone) await this.repo.changePhone(m, c.active.person_id, c.active.name, p.data.cqo!.phone);
    }
    const people = await this.repo.persons(m, withCqo.map((p) => ({ name: p.data.cqo!.name, phone: p.data.cqo!.phone })));
    const ended: EndedAppointment[] = [];
    const appointments: NewAppointment[] = [];
    for (const p of withCqo) {
      const cqo = p.data.cqo!;
      const c = p.cqo;
      let previous: ActiveAppointmentRow | null = null;
      let effectiveFrom = cqo.appointedOn;
      if (c.kind === 'appoint' && c.ended) {
        ended.push({ id: c.ended.id, status: 'expired', endedOn: addDays(c.ended.term_end!, 1), reason: '任期届满' });
      } else if (c.kind === 'update') {
        previous = c.active;
        effectiveFrom = today;
        ended.push({ id: c.active.id, status: 'superseded', endedOn: today, reason: `名册导入更新（${fileName}）` });
      } else if (c.kind === 'replace') {
        previous = c.active;
        ended.push({ id: c.active.id, status: 'replaced', endedOn: cqo.appointedOn, reason: `名册导入更换人员（${fileName}）` });
      }
      const completedOn = cqo.initialTrainingHours ? (c.kind === 'update' ? c.active.initial_training_completed_on : null) ?? cqo.appointedOn : null;
      appointments.push({
        enterpriseId: enterpriseId(p),
        regionPath: p.region.path,
        personId: people.get(`${cqo.name}|${cqo.phone}`)!,
        previousId: previous?.id ?? null,
        filingType: previous ? 'change' : 'appoint',
        name: cqo.name,
        gender: cqo.gender,
        birthMonth: cqo.birthMonth,
        phone: cqo.phone,
        positionTitle: cqo.positionTitle,
        positionLevel: cqo.positionLevel,
        concurrentPost: c.kind === 'update' ? c.active.concurrent_post : false,
        education: cqo.education,
        qualificationType: cqo.qualificationType,
        qualificationLevel: cqo.qualificationLevel,
        qualityRelated: cqo.qualityRelated,
        yearsInQuality: cqo.yearsInQuality,
        declarations: cqo.declarations,
        appointedOn: cqo.appointedOn,
        termEnd: cqo.termEnd,
        effectiveFrom,
        authorisationCertNo: cqo.authorisationCertNo,
        initialTrainingHours: cqo.initialTrainingHours,
        initialTrainingCertNo: cqo.initialTrainingCertNo,
        initialTrainingCompletedOn: completedOn,
        explanation: c.kind === 'update' ? c.active.explanation : null,
      });
    }
    await this.repo.endAppointments(m, ended);
    const appointmentIds = await this.repo.insertAppointments(m, appointments, now, actor.userId || null);
    await progress.report(half + Math.floor((3 * total) / 8), total);

    // Each update audited with the fields it changed; the inserts by the run's summary row.
    const audits: AuditRow[] = plans
      .filter((p) => p.outcome === 'update')
      .map((p) => {
        const cqoChanged = p.cqo.kind === 'update' || p.cqo.kind === 'replace' ? p.cqo.changed : p.cqo.kind === 'appoint' ? { cqo: { before: null, after: p.data.cqo!.name } } : {};
        const changed = { ...p.enterpriseChanged, ...Object.fromEntries(Object.entries(cqoChanged).map(([k, v]) => [k.startsWith('cqo') ? k : `cqo.${k}`, v])) };
        return {
          action: p.cqo.kind === 'replace' ? 'roster.import.replace' : 'roster.import.update',
          objectType: 'enterprise',
          objectId: p.existing!.id,
          details: { importId, row: p.row, creditCode: p.data.enterprise.creditCode, changed },
        };
      });
    await this.repo.audit(m, actor, audits, now);

    // Verdicts and dashboards, as the filing and training writes do.
    if (appointmentIds.length && appointmentIds.length <= INLINE_ELIGIBILITY) await this.eligibility.refresh(m, { appointmentIds });
    else if (appointmentIds.length) await this.outbox.enqueue(m, 'eligibility.refresh', { reason: 'roster.import', all: true });
    if (inserts.length || audits.length) await this.outbox.enqueue(m, 'stats.refresh', { reason: 'roster.import' });
  }
}

/** The CQO fields that differ between the active appointment and the row (phone masked: the audit log is not the place for it). */
function cqoChanges(a: ActiveAppointmentRow, c: RosterCqo): Record<string, { before: unknown; after: unknown }> {
  const pairs: [string, unknown, unknown][] = [
    ['gender', a.gender, c.gender],
    ['birthMonth', a.birth_month, c.birthMonth],
    ['phone', maskPhone(a.phone), maskPhone(c.phone)],
    ['positionTitle', a.position_title, c.positionTitle],
    ['positionLevel', a.position_level, c.positionLevel],
    ['education', a.education, c.education],
    ['qualificationType', a.qualification_type, c.qualificationType],
    ['qualificationLevel', a.qualification_level, c.qualificationLevel],
    ['qualityRelated', a.quality_related, c.qualityRelated],
    ['yearsInQuality', a.years_in_quality, c.yearsInQuality],
    ['termEnd', a.term_end, c.termEnd],
    ['authorisationCertNo', a.authorisation_cert_no, c.authorisationCertNo],
    ['initialTrainingHours', a.initial_training_hours, c.initialTrainingHours],
    ['initialTrainingCertNo', a.initial_training_cert_no, c.initialTrainingCertNo],
    ['declarations', [...a.declarations].sort().join(','), [...c.declarations].sort().join(',')],
  ];
  const out: Record<string, { before: unknown; after: unknown }> = {};
  for (const [k, b, v] of pairs) if (b !== v) out[k] = { before: b, after: v };
  // Two numbers that mask alike still differ.
  if (a.phone !== c.phone && !out.phone) out.phone = { before: maskPhone(a.phone), after: maskPhone(c.phone) };
  return out;
}

