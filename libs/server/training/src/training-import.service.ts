import { Inject, Injectable } from '@nestjs/common';
import ExcelJS from 'exceljs';
import type { EntityManager } from 'typeorm';
import {
  TRAINING_CATEGORIES,
  TRAINING_IMPORT_COLUMNS,
  type ImportMode,
  type ImportResult,
  type ImportRowError,
  type RosterImportParams,
  type TrainingCategory,
} from '@cqo/contracts';
import { normaliseCertificateNo, parseSheetDate, sheetCellText, validateCreditCode, validateTrainingRecord } from '@cqo/policy';
import { ScopeService } from '@cqo/server-auth';
import { AppException, Clock, NO_PROGRESS, type Actor, type ProgressSink } from '@cqo/server-common';
import { UnitOfWork } from '@cqo/server-queue';
import { FILE_STORAGE, type FileStorage } from '@cqo/server-storage';
import { findErrorReport, importResult, openSheet, recordImportRun, runCommits, startImportRun, XLSX_LIMITS, type SheetCell, type StoredUpload } from '@cqo/server-imports';
import { LedgerService, type NewLedgerRecord } from './ledger.service';
import { TrainingRecordsRepository, type CertifiedRecord } from './training-records.repository';
import { TrainingService } from './training.service';

type Column = (typeof TRAINING_IMPORT_COLUMNS)[number];

/** Which form field each column feeds, to map the form's validation errors back onto cells. */
const FIELD_COLUMN: Record<string, Column> = {
  category: '培训类别',
  course: '课程名称',
  provider: '培训机构',
  startDate: '开始日期',
  endDate: '结束日期',
  hours: '学时',
  certificateNo: '证书编号',
};

/** How providers' sheets spell the categories. */
const CATEGORY_ALIASES: Record<string, TrainingCategory> = {
  第一类: '继续教育(第一类)',
  继续教育第一类: '继续教育(第一类)',
  '继续教育（第一类）': '继续教育(第一类)',
  继续教育第二类: '第二类',
  '继续教育(第二类)': '第二类',
  '继续教育（第二类）': '第二类',
  组织培训: '组织培训活动',
};

/** How often progress is reported. */
const PROGRESS_EVERY = 500;

/** A stored upload (the file jobs keep it on disk; the CLI reads it where it lies). */
export type TrainingFile = StoredUpload;

/** A sheet row that passed the form's rules: the ledger's course fields, and who it is for. */
type ParsedRow = Pick<NewLedgerRecord, 'certificateNo' | 'category' | 'course' | 'provider' | 'startDate' | 'endDate' | 'hours'> & {
  row: number;
  name: string;
  creditCode: string;
};

/**
 * Training records from providers (SPEC §8): one sheet with the §8 columns. Every row is checked
 * with the form's rules plus the enterprise, its CQO and the certificate number; all-or-nothing
 * unless the user keeps the valid rows; a re-import of the same rows changes nothing (idempotent by
 * certificate number). Rejected rows come back as a copy of the sheet with the bad cells marked.
 * Runs in the worker as a file job (issue 18 item 1): the sheet is streamed from disk under the caps
 * of the imports lib (XLSX_LIMITS), so a cap exceeded stops the read with a field error on `file`.
 */
@Injectable()
export class TrainingImportService {
  constructor(
    private readonly records: TrainingRecordsRepository,
    private readonly ledger: LedgerService,
    private readonly training: TrainingService,
    private readonly scope: ScopeService,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
    @Inject(FILE_STORAGE) private readonly storage: FileStorage,
  ) {}

  async import(actor: Actor, file: TrainingFile, params: RosterImportParams, progress: ProgressSink = NO_PROGRESS): Promise<ImportResult> {
    const mode: ImportMode = params.mode === 'keep-valid' ? 'keep-valid' : 'all-or-nothing';
    // Scanned under every cap first (constant memory), then streamed (issue 18 item 1).
    const sheet = await openSheet(file.path, TRAINING_IMPORT_COLUMNS, '培训学时导入模板', XLSX_LIMITS, file.scanned);
    const { columns } = sheet;
    const today = this.clock.today();
    const errors: ImportRowError[] = [];
    const rows: ParsedRow[] = [];
    let total = 0;
    for await (const r of sheet.read()) {
      const n = r.number;
      if (n === 1) continue;
      const cell = (c: Column): SheetCell => r.cells.get(columns.get(c)!) ?? null;
      const raw = Object.fromEntries(TRAINING_IMPORT_COLUMNS.map((c) => [c, sheetCellText(cell(c))])) as Record<Column, string>;
      if (Object.values(raw).every((v) => v === '')) continue;
      total += 1;
      if (total % PROGRESS_EVERY === 0) await progress.report(total, null);
      const rowErrors: ImportRowError[] = [];
      const bad = (column: Column, reason: string) => rowErrors.push({ row: n, column, reason });
      const category = CATEGORY_ALIASES[raw['培训类别']] ?? raw['培训类别'];
      const startDate = parseSheetDate(cell('开始日期'));
      const endDate = parseSheetDate(cell('结束日期'));
      const hours = raw['学时'] === '' ? NaN : Number(raw['学时']);
      const certificateNo = normaliseCertificateNo(raw['证书编号']);
      if (!certificateNo) bad('证书编号', '证书编号不能为空（用于防止重复导入）');
      if (!raw['姓名']) bad('姓名', '姓名不能为空');
      const code = raw['统一社会信用代码'].toUpperCase();
      const cc = validateCreditCode(code);
      if (!code) bad('统一社会信用代码', '统一社会信用代码不能为空');
      else if (!cc.valid) bad('统一社会信用代码', cc.errors.map((e) => e.message).join('；'));
      for (const e of validateTrainingRecord(
        { category, course: raw['课程名称'], provider: raw['培训机构'], startDate: startDate ?? raw['开始日期'], endDate: endDate ?? raw['结束日期'], hours, certificateNo },
        today,
      )) {
        bad(FIELD_COLUMN[e.field] ?? '证书编号', e.message);
      }
      if (rowErrors.length) {
        errors.push(...dedupe(rowErrors));
        continue;
      }
      rows.push({
        row: n,
        certificateNo,
        name: raw['姓名'],
        creditCode: code,
        category: category as TrainingCategory,
        course: raw['课程名称'].trim(),
        provider: raw['培训机构'].trim(),
        startDate: startDate!,
        endDate: endDate!,
        hours,
      });
    }
    if (total === 0) throw AppException.validation([{ field: 'file', code: 'emptySheet', message: '表格中没有数据行' }]);

    // The last progress report (and cancel point) before the transaction: a progress sink writes
    // through a connection of its own, which nothing inside the transaction may reach for.
    await progress.report(0, total);

    const run = await startImportRun(file);
    const result = await this.unitOfWork.run(actor, 'training.import', async (m, tx) => {
      // Under the ledger lock: the certificate numbers checked here stay free until this commits.
      await this.ledger.lock(m);
      const { drafts, unchanged } = await this.resolve(m, actor, rows, errors, run.id);
      const commit = runCommits(params.dryRun, mode, errors);
      const appended = commit ? await this.ledger.append(m, drafts) : [];
      const rejectedRows = await recordImportRun(m, {
        start: run,
        kind: 'training',
        mode,
        file,
        columns,
        order: TRAINING_IMPORT_COLUMNS,
        committed: commit,
        total,
        inserted: appended.length,
        updated: 0,
        unchanged: commit ? unchanged : 0,
        errors,
        actor,
        now: this.clock.now(),
      }, this.storage);
      const personIds = [...new Set(drafts.map((d) => d.personId))];
      const enterpriseIds = [...new Set(drafts.map((d) => d.enterpriseId!))];
      if (appended.length) {
        await this.training.afterWrite(m, tx, personIds, enterpriseIds, 'training.import', run.id, {
          file: file.originalname,
          sha256: run.sha256,
          mode,
          inserted: appended.length,
          unchanged,
          rejectedRows,
        });
      }
      // A dry run (as the roster's) reports what the import would do: the rows it would append.
      return {
        committed: commit,
        inserted: params.dryRun ? drafts.length : appended.length,
        unchanged: commit || params.dryRun ? unchanged : 0,
        rejectedRows,
      };
    });
    await progress.report(total, total);
    return importResult(
      'training',
      { id: run.id, mode, file, total, errors, rejectedRows: result.rejectedRows, committed: result.committed },
      { inserted: result.inserted, updated: 0, unchanged: result.unchanged },
    );
  }

  /** The marked-up copy of a run's sheet; only its uploader (or an admin) may fetch it. */
  errorReport(actor: Actor, id: string): Promise<{ fileName: string; content: Buffer }> {
    return findErrorReport(this.records.manager, actor, 'training', id, this.clock.now(), this.storage);
  }

  /** An empty sheet with the §8 columns, a drop-down for the category and a 填写说明 sheet. */
  async template(): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    wb.creator = 'cqo';
    const ws = wb.addWorksheet('培训记录', { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = TRAINING_IMPORT_COLUMNS.map((c) => ({ header: c, key: c, width: c === '课程名称' || c === '培训机构' ? 28 : c === '统一社会信用代码' ? 22 : 14 }));
    ws.getRow(1).font = { bold: true };
    for (let r = 2; r <= 1001; r += 1) {
      ws.getCell(r, 4).dataValidation = { type: 'list', allowBlank: false, formulae: [`"${TRAINING_CATEGORIES.join(',')}"`] };
      ws.getCell(r, 7).numFmt = 'yyyy-mm-dd';
      ws.getCell(r, 8).numFmt = 'yyyy-mm-dd';
    }
    const help = wb.addWorksheet('填写说明');
    help.columns = [{ header: '列', width: 18 }, { header: '说明', width: 80 }];
    const notes: Record<Column, string> = {
      证书编号: '必填。培训机构出具的学时证书编号，同一编号只能登记一次；重复导入同一文件不会重复入账',
      姓名: '必填。须与该企业备案的首席质量官姓名一致',
      统一社会信用代码: '必填。18 位，按 GB 32100-2015 校验',
      培训类别: `必填。${TRAINING_CATEGORIES.join(' / ')}`,
      课程名称: '必填，不超过 200 字',
      培训机构: '必填，不超过 200 字',
      开始日期: '必填。YYYY-MM-DD，不能晚于今天',
      结束日期: '必填。YYYY-MM-DD，不早于开始日期，不能晚于今天',
      学时: '必填。大于 0，以 0.5 为单位，每个培训日不超过 8 学时',
    };
    for (const c of TRAINING_IMPORT_COLUMNS) help.addRow([c, notes[c]]);
    help.getRow(1).font = { bold: true };
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  /** Enterprises, their CQOs and the certificate numbers on record; adds errors and returns the rows to append. */
  private async resolve(
    m: EntityManager,
    actor: Actor,
    rows: ParsedRow[],
    errors: ImportRowError[],
    importId: string,
  ): Promise<{ drafts: NewLedgerRecord[]; unchanged: number }> {
    const codes = [...new Set(rows.map((r) => r.creditCode))];
    const enterprises = new Map<string, { id: string; region_path: string }>();
    for (const e of await this.records.enterprisesByCreditCode(m, codes)) {
      enterprises.set(e.credit_code, e);
    }
    const people = new Map<string, { person_id: string; active: boolean }[]>();
    for (const p of await this.records.cqosByCreditCode(m, codes)) {
      const key = `${p.credit_code}|${p.name}`;
      people.set(key, [...(people.get(key) ?? []), p]);
    }
    const numbers = rows.map((r) => r.certificateNo).filter((n): n is string => !!n);
    const existing = new Map<string, CertifiedRecord>();
    for (const t of await this.records.certifiedRecords(m, numbers)) {
      existing.set(t.certificate_no, t);
    }
    const seen = new Map<string, number>();
    const drafts: NewLedgerRecord[] = [];
    let unchanged = 0;
    const now = this.clock.now();
    for (const r of rows) {
      const bad = (column: Column, reason: string) => errors.push({ row: r.row, column, reason });
      const e = enterprises.get(r.creditCode);
      if (!e || !this.scope.allows(actor, { regionPath: e.region_path, enterpriseId: e.id }, 'write') || actor.role === 'admin') {
        bad('统一社会信用代码', '未找到该统一社会信用代码对应的企业，或该企业不在您的管辖范围内');
        continue;
      }
      const candidates = people.get(`${r.creditCode}|${r.name}`) ?? [];
      const person = candidates.find((p) => p.active) ?? candidates[0];
      if (!person) {
        bad('姓名', `该企业没有备案名为“${r.name}”的首席质量官`);
        continue;
      }
      const no = r.certificateNo!;
      const firstRow = seen.get(no);
      if (firstRow !== undefined) {
        bad('证书编号', `证书编号与本表第 ${firstRow} 行重复`);
        continue;
      }
      seen.set(no, r.row);
      const prior = existing.get(no);
      if (prior) {
        const same =
          prior.person_id === person.person_id &&
          prior.category === r.category &&
          prior.course === r.course &&
          prior.provider === r.provider &&
          prior.start_date === r.startDate &&
          prior.end_date === r.endDate &&
          prior.hours === r.hours;
        if (same) unchanged += 1;
        else bad('证书编号', '证书编号已登记，且内容与已入账记录不同；如需更正，请先冲销原记录');
        continue;
      }
      drafts.push({
        kind: 'entry',
        personId: person.person_id,
        enterpriseId: e.id,
        category: r.category,
        course: r.course,
        provider: r.provider,
        startDate: r.startDate,
        endDate: r.endDate,
        hours: r.hours,
        certificateNo: no,
        source: 'provider',
        reverses: null,
        reason: null,
        importId,
        recordedAt: now,
        recordedBy: actor.userId || null,
      });
    }
    return { drafts, unchanged };
  }
}

function dedupe(errors: ImportRowError[]): ImportRowError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.row}|${e.column}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
