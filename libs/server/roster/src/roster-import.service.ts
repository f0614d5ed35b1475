import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { ImportMode, ImportResult, ImportRowError, RosterImportParams } from '@cqo/contracts';
import {
  addDays,
  allDeclarationIds,
  
  maskPhone,
  ROSTER_COLUMNS,
  termRuleOf,
  termRunOut,
  validateRosterRow,
  type RosterColumn,
  type RosterCqo,
  type RosterRawRow,
  type RosterRowResult,
  type RosterRow,
} from '@cqo/policy';
import { ScopeService } from '@cqo/server-auth';
import { AppException, Clock, NO_PROGRESS, type Actor, type ProgressSink } from '@cqo/server-common';
import { EligibilityService, ProfilesService } from '@cqo/server-eligibility';
import {
  assertXlsx,
  findErrorReport,
  importResult,
  openSheet,
  readHeader,
  recordImportRun,
  requireColumns,
  runCommits,
  startImportRun,
  XLSX_LIMITS,
  type StoredUpload,
} from '@cqo/server-imports';
import { EnterprisesRepository, type CopiedEnterprise } from '@cqo/server-enterprises';
import { UnitOfWork } from '@cqo/server-queue';
import { FILE_STORAGE, type FileStorage } from '@cqo/server-storage';
import { BATCH, OrderedIds, RosterImportRepository, type ActiveAppointmentRow, type EndedAppointment, type EnterpriseRow, type RegionRow, type StageRow } from './roster-import.repository';
import { rosterTemplate } from './roster-template';

/** An upload on disk (the file jobs store the upload there before queueing it). */
export type RosterFile = StoredUpload;

export const ROSTER_MAX_ROWS = XLSX_LIMITS.maxRows;
/** Rows per batch of the import's pipeline (checked against the database and written while the sheet is read on). */
export const ROSTER_BATCH_ROWS = BATCH;
const TEMPLATE = '企业名册导入模板';
/** How often progress is reported. */
const PROGRESS_EVERY = 500;
/** Up to this many new or changed appointments are judged inside the import; more go to the eligibility queue. */
const INLINE_ELIGIBILITY = 5000;
/** The import transaction's statement timeout (SET LOCAL): 200,000 rows on a busy machine, set-based. */
const STATEMENT_TIMEOUT = '10min';

interface ParsedRow {
  row: number;
  data: RosterRow;
}

type Outcome = 'insert' | 'update' | 'unchanged';

/** What the batches of one run have written so far. */
interface Writes {
  /** Ids of the new enterprises and appointments, ascending across batches. */
  ids: OrderedIds;
  /** Some batch wrote something. */
  wrote: boolean;
  /** The temp table of staged rows exists. */
  staged: boolean;
  /** New appointments written, and their ids while there are no more than INLINE_ELIGIBILITY. */
  appointments: number;
  judged: string[];
}

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
 * uploader's scope and what is on record; one unit of work (UnitOfWork.run: the transaction and its
 * outbox rows) writes the lot (all-or-nothing unless keep-valid), batched, idempotent by credit code. The enterprises and their awards are written by EnterprisesRepository, the people
 * and appointments by AppointmentsRepository, from this import's staged rows. See docs/roster-import.md.
 */
@Injectable()
export class RosterImportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: RosterImportRepository,
    private readonly enterprises: EnterprisesRepository,
    private readonly scope: ScopeService,
    private readonly profiles: ProfilesService,
    private readonly eligibility: EligibilityService,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
    @Inject(FILE_STORAGE) private readonly storage: FileStorage,
  ) {}

  /**
   * The whole file check of the CLI and the tests: the api's checks (size, xlsx magic bytes, the
   * zip's central directory) and the header row, read under the caps. The api itself makes only
   * the first (assertXlsx); the worker reads the header when it runs the job.
   */
  async check(buffer: Buffer, fileName: string): Promise<void> {
    await assertXlsx(buffer, fileName);
    requireColumns(await readHeader(buffer), ROSTER_COLUMNS, TEMPLATE);
  }

  /** The template: the §8 columns with `*` on the required ones, drop-downs and a 填写说明 sheet. */
  template(): Promise<Buffer> {
    return rosterTemplate();
  }

  /** The marked-up copy of a run's sheet; only its uploader (or an admin) may fetch it. */
  errorReport(actor: Actor, id: string): Promise<{ fileName: string; content: Buffer }> {
    return findErrorReport(this.dataSource.manager, actor, 'roster', id, this.clock.now(), this.storage);
  }

  /**
   * Rows per batch of the pipeline: checked against the database, planned and written while the
   * sheet is read on. A setting only so that a test can make batches small enough to cross.
   */
  batchRows = ROSTER_BATCH_ROWS;

  /**
   * Validates every row (dry run) or imports (one transaction; all-or-nothing unless keep-valid).
   * One pipeline (issue 16): the transaction opens before the read, and every `batchRows` checked
   * rows are looked up, planned and written on its connection while Node reads the next batch, so
   * PostgreSQL's write and Node's parsing overlap instead of following each other. The writes sit
   * behind a savepoint: a run that turns out not to commit (a rejection in all-or-nothing mode)
   * rolls them back, and stops writing at its first rejection.
   */
  async import(actor: Actor, file: RosterFile, params: RosterImportParams, progress: ProgressSink = NO_PROGRESS): Promise<ImportResult> {
    const mode: ImportMode = params.mode === 'keep-valid' ? 'keep-valid' : 'all-or-nothing';
    const today = this.clock.today();
    const profile = await this.profiles.profileAt(today);
    // SPEC §8: 任职承诺 = 是 stands for all the declarations of §3, of whichever profile judges it.
    const ctx = { today, term: termRuleOf(profile), declarations: allDeclarationIds(await this.profiles.profiles()) };
    const regions = await this.repo.regions(this.dataSource.manager);
    const run = await startImportRun(file);
    // Scanned, then streamed from disk under the caps of XLSX_LIMITS (issue 18 item 1): a cap exceeded
    // stops the read (and rolls the transaction back: nothing is written, no import_run row).
    const sheet = await openSheet(file.path, ROSTER_COLUMNS, TEMPLATE, XLSX_LIMITS, file.scanned);
    const { columns } = sheet;
    // Each template column's place in this sheet, looked up once rather than for every row.
    const places = ROSTER_COLUMNS.map((c) => [c, columns.get(c)!] as const);
    const rows = sheet.read();
    const now = this.clock.now();
    try {
      const result = await this.unitOfWork.run(actor, 'roster.import', async (m, tx) => {
        // A big file's set-based statements may outlast the pool's default statement timeout, and so
        // may the wait for the lock while another import reads and writes its file: raised first.
        await m.query(`SET LOCAL statement_timeout = '${STATEMENT_TIMEOUT}'`);
        await this.repo.lock(m);
        const errors: ImportRowError[] = [];
        const counts = { inserted: 0, updated: 0, unchanged: 0 };
        const writes: Writes = { ids: new OrderedIds(), wrote: false, staged: false, appointments: 0, judged: [] };
        if (!params.dryRun) await m.query('SAVEPOINT roster_rows');
        // The batches handed on and not yet done, in sheet order: each is looked up, planned and
        // written after the one before it (one statement at a time on the one connection) while
        // the reader goes on; at most two wait, so memory stays bounded and PostgreSQL never idles.
        const pending: Promise<void>[] = [];
        const step = async (parsed: ParsedRow[]) => {
          // 2. Against what is on record.
          const plans = await this.plan(m, actor, parsed, errors, regions, today);
          for (const p of plans) counts[p.outcome === 'insert' ? 'inserted' : p.outcome === 'update' ? 'updated' : 'unchanged'] += 1;
          // 3. The write, unless the run cannot commit any more (a dry run, or all-or-nothing after a rejection).
          if (runCommits(params.dryRun, mode, errors)) await this.write(m, actor, plans, writes, run.id, file.originalname, today, now);
        };
        let batch: ParsedRow[] = [];
        const flush = async () => {
          const parsed = batch;
          batch = [];
          if (!parsed.length) return;
          const next = (pending.at(-1) ?? Promise.resolve()).then(() => step(parsed));
          next.catch(() => undefined); // awaited below; this only keeps a failure from going unhandled meanwhile
          pending.push(next);
          if (pending.length > 2) await pending.shift();
        };

        // 1. Every row against the forms' rules, the region table and the uploader's scope. A failure
        // (a cap exceeded, a cancel) waits for the batches handed on before the transaction rolls
        // back: none of their statements may reach the connection after the rollback.
        let total = 0;
        try {
          const firstRowOf = new Map<string, number>();
          for await (const r of rows) {
            if (r.number === 1) continue;
            const input: RosterRawRow = {};
            for (const [c, place] of places) input[c] = r.cells.get(place) ?? null;
            const result = validateRosterRow(input, ctx);
            if (result.blank) continue;
            total += 1;
            // The file job's sink writes on a connection of its own, taken before the job started.
            if (total % PROGRESS_EVERY === 0) await progress.report(total, null);
            const checked = this.checkRow(actor, r.number, result, regions, firstRowOf, errors);
            if (checked) batch.push(checked);
            if (batch.length >= this.batchRows) await flush();
          }
          await flush();
          while (pending.length) await pending.shift();
        } catch (err) {
          await Promise.allSettled(pending);
          throw err;
        }
        if (total === 0) throw AppException.validation([{ field: 'file', code: 'emptySheet', message: '表格中没有数据行' }]);
        // The last cancel point: a cancel requested while the file was read rolls everything back.
        await progress.report(0, total);

        const commit = runCommits(params.dryRun, mode, errors);
        if (!params.dryRun && !commit) await m.query('ROLLBACK TO SAVEPOINT roster_rows');
        // A run that does not commit records no counts; a dry run still answers what it would have done.
        const none = { inserted: 0, updated: 0, unchanged: 0 };
        if (commit && writes.wrote) {
          // Verdicts and dashboards, as the filing and training writes do.
          if (writes.appointments && writes.appointments <= INLINE_ELIGIBILITY) await this.eligibility.refresh(m, { appointmentIds: writes.judged });
          else if (writes.appointments) await tx.enqueue('eligibility.refresh', { reason: 'roster.import', all: true });
          await tx.enqueue('stats.refresh', { reason: 'roster.import' });
        }
        const rejectedRows = await recordImportRun(m, {
          start: run,
          kind: 'roster',
          mode,
          file,
          columns,
          order: ROSTER_COLUMNS,
          committed: commit,
          total,
          ...(commit ? counts : none),
          errors,
          actor,
          now,
        }, this.storage);
        if (commit) {
          // The run's summary row (the changed rows' own rows are written set-based in applyStage).
          await tx.audit({ objectType: 'import_run', objectId: run.id, details: { file: file.originalname, sha256: run.sha256, mode, total, ...counts, rejectedRows } });
        }
        return { commit, counts: commit || params.dryRun ? counts : none, rejectedRows, total, errors };
      });
      await progress.report(result.total, result.total);
      return importResult('roster', { id: run.id, mode, file, total: result.total, errors: result.errors, rejectedRows: result.rejectedRows, committed: result.commit }, result.counts);
    } finally {
      await rows.return(undefined);
    }
  }

  /**
   * One row's rejections, from the row rules and then the region table, the uploader's scope and the
   * rows before it (a credit code seen twice): pushed to `errors`; the row to plan when it has none.
   */
  private checkRow(
    actor: Actor,
    row: number,
    result: Extract<RosterRowResult, { blank: false }>,
    regions: Map<string, RegionRow>,
    firstRowOf: Map<string, number>,
    errors: ImportRowError[],
  ): ParsedRow | null {
    const bad = (column: RosterColumn, reason: string) => errors.push({ row, column, reason });
    for (const e of result.errors) bad(e.column, e.reason);
    if (!result.row) return null;
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
    } else firstRowOf.set(enterprise.creditCode, row);
    return ok ? { row, data: result.row } : null;
  }

  private async plan(
    m: EntityManager,
    actor: Actor,
    rows: ParsedRow[],
    errors: ImportRowError[],
    regions: Map<string, RegionRow>,
    today: string,
  ): Promise<Plan[]> {
    const existing = await this.repo.enterprises(m, rows.map((r) => r.data.enterprise.creditCode));
    const active = await this.repo.activeAppointments(m, [...existing.values()].map((e) => e.id));
    const plans: Plan[] = [];
    for (const r of rows) {
      const bad = (column: RosterColumn, reason: string) => errors.push({ row: r.row, column, reason });
      const { enterprise: e, cqo } = r.data;
      const region = regions.get(e.regionCode)!;
      const before = existing.get(e.creditCode) ?? null;
      if (before && !this.scope.allows(actor, { regionPath: before.region_path, enterpriseId: null }, 'write')) {
        bad('统一社会信用代码', '该统一社会信用代码已登记为您管辖范围以外的企业，不能通过本名册修改');
        continue;
      }
      if (before?.closed_on) {
        bad('统一社会信用代码', `该企业已于${before.closed_on}注销，不能通过名册导入；如已恢复经营，请先在企业详情中办理恢复`);
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
        const awards = e.awards.map((w) => `${w.award}/${w.year ?? ''}`).join(';');
        // An empty 获奖情况 leaves the awards on record alone; a filled one replaces them.
        awardsChanged = e.awards.length > 0 && awards !== before.awards;
        if (awardsChanged) enterpriseChanged.awards = { before: before.awards, after: awards };
      }
      let plan: Plan['cqo'] = { kind: 'none' };
      if (cqo) {
        const current = before ? active.get(before.id) ?? null : null;
        // An active record whose term has run out is expired below (任期届满, the nightly rule); only
        // the term is tested, as the write dates that expiry from term_end.
        const running = current && !termRunOut(current.term_end, today) ? current : null;
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

  /**
   * One batch's write, set-based: the new enterprises are copied straight into their table
   * (EnterprisesRepository.copyNew), the other planned rows into a temp table on the transaction's
   * own connection (COPY), then one statement per step applies them (see RosterImportRepository.applyStage).
   */
  private async write(m: EntityManager, actor: Actor, plans: Plan[], writes: Writes, importId: string, fileName: string, today: string, now: Date): Promise<void> {
    // New enterprises get their ids here and are copied straight into the table; the rest of
    // the write (updates, awards, people, appointments, audit) goes through the staged rows.
    // Ids in ascending order, handed out in credit-code order: both unique indexes are appended to.
    const written = plans.filter((p) => p.outcome !== 'unchanged');
    if (!written.length) return;
    writes.wrote = true;
    const inserts = written.filter((p) => !p.existing).sort((a, b) => (a.data.enterprise.creditCode < b.data.enterprise.creditCode ? -1 : 1));
    const newIds = writes.ids.take(inserts.length);
    const idOf = new Map(inserts.map((p, i) => [p, newIds[i]]));
    const created: CopiedEnterprise[] = inserts.map((p) => ({ ...p.data.enterprise, id: idOf.get(p)!, regionPath: p.region.path }));
    const appointmentIds = writes.ids.take(written.filter((p) => p.cqo.kind !== 'none').length);
    // The new enterprises go first; while PostgreSQL inserts them, the rest is prepared here,
    // yielding now and then so the COPY keeps streaming. Same connection, one statement at a
    // time: the staged rows are sent only once the COPY has finished.
    const copied = this.enterprises.copyNew(m, created, now);
    copied.catch(() => undefined); // awaited below; this only keeps a failure from going unhandled meanwhile
    let built = 0;
    let nextAppointment = 0;
    const staged: StageRow[] = [];
    for (const p of written) {
      if (++built % 2000 === 0) await new Promise((resolve) => setImmediate(resolve));
      const e = p.data.enterprise;
      const enterpriseId = p.existing?.id ?? idOf.get(p)!;
      const cqo = p.data.cqo;
      const c = p.cqo;
      let ended: EndedAppointment | null = null;
      let previous: ActiveAppointmentRow | null = null;
      let appointment: StageRow['appointment'] = null;
      if (c.kind !== 'none' && cqo) {
        let effectiveFrom = cqo.appointedOn;
        if (c.kind === 'appoint' && c.ended) {
          ended = { id: c.ended.id, status: 'expired', endedOn: addDays(c.ended.term_end!, 1), reason: '任期届满' };
        } else if (c.kind === 'update') {
          previous = c.active;
          effectiveFrom = today;
          ended = { id: c.active.id, status: 'superseded', endedOn: today, reason: `名册导入更新（${fileName}）` };
        } else if (c.kind === 'replace') {
          previous = c.active;
          ended = { id: c.active.id, status: 'replaced', endedOn: cqo.appointedOn, reason: `名册导入更换人员（${fileName}）` };
        }
        const completedOn = cqo.initialTrainingHours ? (c.kind === 'update' ? c.active.initial_training_completed_on : null) ?? cqo.appointedOn : null;
        appointment = {
          regionPath: p.region.path,
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
        };
      }
      let audit: StageRow['audit'] = null;
      if (p.outcome === 'update') {
        // Each update audited with the fields it changed; the inserts by the run's summary row.
        const cqoChanged = c.kind === 'update' || c.kind === 'replace' ? c.changed : c.kind === 'appoint' ? { cqo: { before: null, after: cqo!.name } } : {};
        const changed = { ...p.enterpriseChanged, ...Object.fromEntries(Object.entries(cqoChanged).map(([k, v]) => [k.startsWith('cqo') ? k : `cqo.${k}`, v])) };
        audit = { action: c.kind === 'replace' ? 'roster.import.replace' : 'roster.import.update', details: { importId, row: p.row, creditCode: e.creditCode, changed } };
      }
      if (p.outcome === 'insert' && !appointment && !p.awardsChanged) continue;
      staged.push({
        row: p.row,
        outcome: p.outcome as StageRow['outcome'],
        enterpriseId,
        appointmentId: appointment ? appointmentIds[nextAppointment++] : null,
        creditCode: e.creditCode,
        name: e.name,
        regionCode: e.regionCode,
        regionPath: p.region.path,
        aboveSize: e.aboveSize,
        sizeClass: e.sizeClass,
        ownership: e.ownership,
        industry: e.industry,
        enterpriseChanged: Object.keys(p.enterpriseChanged).some((k) => k !== 'awards'),
        awardsChanged: p.awardsChanged,
        awards: p.awardsChanged ? e.awards : [],
        ended,
        phonePersonId: c.kind === 'update' && c.active.phone !== cqo!.phone ? c.active.person_id : null,
        appointment,
        audit,
      });
    }
    await copied;
    if (!staged.length) return;
    await this.repo.stage(m, staged, !writes.staged);
    writes.staged = true;
    // The new appointments' ids are kept while the run may still judge them inline.
    const { appointments, appointmentIds: judged } = await this.repo.applyStage(m, actor, now, writes.appointments <= INLINE_ELIGIBILITY);
    writes.appointments += appointments;
    if (writes.appointments <= INLINE_ELIGIBILITY) writes.judged.push(...judged);
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


