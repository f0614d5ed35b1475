import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  AttachmentExportParams,
  ApiErrorDetail,
  AttachmentExportSummary,
  FileJobInfo,
  FileJobKind,
  FileJobStatus,
  ImportJobKind,
  ImportJobParams,
  ImportMode,
  ImportResult,
  ListExport,
  ListExportParams,
  ListExportSummary,
} from '@cqo/contracts';
import { IMPORT_JOB_KINDS } from '@cqo/contracts';
import { chinaDate, isIsoDate, yearAsOf } from '@cqo/policy';
import { AttachmentExportService } from '@cqo/server-attachment';
import { AuditService } from '@cqo/server-audit';
import { APP_CONFIG, AppException, Clock, JobCancelledError, type Actor, type AppConfig, type ProgressSink } from '@cqo/server-common';
import { CityReportsRepository } from '@cqo/server-filings';
import { assertXlsx, deleteExpiredImportRuns } from '@cqo/server-imports';
import { UnitOfWork } from '@cqo/server-queue';
import { RosterImportService } from '@cqo/server-roster';
import { FILE_STORAGE, openRecorded, storageKey, withTempFile, type FileStorage } from '@cqo/server-storage';
import { TrainingImportService } from '@cqo/server-training';
import { FileJobsRepository, type FileJobInput, type FileJobRow } from './file-jobs.repository';
import { ListExportService } from './list-export.service';

/** Progress is written at most this often; cancellation is seen at the same moments. */
const PROGRESS_EVERY_MS = 250;

/**
 * Long spreadsheet jobs (issue 7). The api checks a request, stores the job (and an upload, on
 * disk) and queues it through the outbox in one transaction; the worker runs it, reporting rows
 * done into the row the user polls, and stops when the user cancels. Finished files are listed in
 * 我的导出/导入 until they expire.
 */
@Injectable()
export class FileJobsService {
  private readonly logger = new Logger(FileJobsService.name);

  constructor(
    private readonly repo: FileJobsRepository,
    private readonly attachment: AttachmentExportService,
    private readonly cityReports: CityReportsRepository,
    private readonly roster: RosterImportService,
    private readonly training: TrainingImportService,
    private readonly lists: ListExportService,
    private readonly unitOfWork: UnitOfWork,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(FILE_STORAGE) private readonly storage: FileStorage,
  ) {}

  /** The object key of a job's upload or export (issue 21: in the folder or the bucket of FILE_STORAGE). */
  private key(id: string, suffix: string): string {
    return `${id}.${suffix}.xlsx`;
  }

  private expiry(): Date {
    return new Date(this.clock.now().getTime() + this.config.fileJobDays * 86_400_000);
  }

  // ---------------------------------------------------------------------------------------------
  // The api side
  // ---------------------------------------------------------------------------------------------

  async requestExport(actor: Actor, params: AttachmentExportParams): Promise<FileJobInfo> {
    const errors = [];
    if (!/^\d{6}$/.test(params.region ?? '')) errors.push({ field: 'region', code: 'region', message: '请选择地区（6 位行政区划代码）' });
    if (!Number.isInteger(params.year) || params.year < 2000 || params.year > 2100) errors.push({ field: 'year', code: 'year', message: '年度应为 2000–2100 之间的整数' });
    if (params.asOf !== undefined && params.asOf !== null && !isIsoDate(params.asOf)) {
      errors.push({ field: 'asOf', code: 'isDateString', message: '统计截止日期应为YYYY-MM-DD格式的有效日期' });
    }
    if (errors.length) throw AppException.validation(errors);
    const clean: AttachmentExportParams = { region: params.region, year: params.year, ...(params.asOf ? { asOf: params.asOf } : {}) };
    await this.attachment.authorize(actor, clean);
    return this.queueExport(actor, 'export-attachment', clean);
  }

  /** An export job: stored, queued for the worker and audited in one transaction. */
  private async queueExport(actor: Actor, kind: 'export-attachment' | 'export-list', params: AttachmentExportParams | ListExportParams): Promise<FileJobInfo> {
    const id = randomUUID();
    await this.unitOfWork.run(actor, 'export.request', async (m, tx) => {
      await this.insert(m, actor, id, kind, params, null);
      await tx.enqueue('files.export', { jobId: id });
      await tx.audit({ objectType: 'file_job', objectId: id, details: { ...params } });
    });
    return this.get(actor, id);
  }

  /**
   * The export of what a list page shows (issue 20 items 3, 6): the query has passed the list's own
   * DTO (its filters and whitelisted sort), the columns are checked here; the worker reads the list
   * page by page as this actor and writes the file.
   */
  async requestListExport(actor: Actor, list: ListExport, query: Record<string, unknown>, columns: readonly string[] | undefined): Promise<FileJobInfo> {
    const { page: _page, pageSize: _pageSize, ...filters } = query;
    const params: ListExportParams = { list, query: JSON.parse(JSON.stringify(filters)) as Record<string, unknown>, columns: ListExportService.columns(list, columns) };
    return this.queueExport(actor, 'export-list', params);
  }

  /**
   * The api's side of every import (issue 18 item 1): the checks that inflate nothing (size, type,
   * the zip's central directory) and nothing more; a refused upload writes no row and no file. An
   * accepted one is written to disk, then recorded and queued in one transaction (if that fails,
   * the file is removed again); the worker reads it, streaming and under the caps.
   */
  async requestImport(
    actor: Actor,
    kind: ImportJobKind,
    file: { buffer: Buffer; originalname: string } | undefined,
    mode: ImportMode,
    dryRun: boolean,
  ): Promise<FileJobInfo> {
    if (!file?.buffer) throw AppException.validation([{ field: 'file', code: 'required', message: '请选择要导入的 Excel 文件' }]);
    await assertXlsx(file.buffer, file.originalname);
    const id = randomUUID();
    const input = this.key(id, 'upload');
    await this.storage.put(input, file.buffer);
    return this.queueImport(actor, id, input, (m) =>
      this.insert(m, actor, id, kind, { mode, dryRun } satisfies ImportJobParams, {
        name: file.originalname.slice(0, 255),
        path: input,
        sha256: createHash('sha256').update(file.buffer).digest('hex'),
        size: file.buffer.length,
      }),
    );
  }

  /** The real import of a dry run's upload, with the same mode: a new job on a copy of the file. */
  async commitDryRun(actor: Actor, id: string): Promise<FileJobInfo> {
    const dry = await this.own(actor, id);
    const params = dry.params as ImportJobParams;
    if (!isImport(dry.kind) || !params.dryRun) throw AppException.conflict('只有“先校验”的导入任务可以确认导入');
    if (dry.status !== 'succeeded' || !dry.input_path) throw AppException.conflict('校验尚未完成，不能确认导入');
    const next = randomUUID();
    const input = this.key(next, 'upload');
    await this.storage.copy(storageKey(dry.input_path), input);
    return this.queueImport(actor, next, input, async (m) => {
      const row = await this.repo.inputOf(m, id);
      await this.insert(m, actor, next, dry.kind, { mode: params.mode, dryRun: false } satisfies ImportJobParams, {
        name: dry.input_name ?? 'import.xlsx',
        path: input,
        sha256: row.input_sha256,
        size: Number(row.input_size),
      });
    });
  }

  /**
   * An import job on its stored upload (`input`): `record` writes the row, and its job is queued,
   * in one unit of work (the import itself is audited when it runs); if that fails the upload goes.
   */
  private async queueImport(actor: Actor, id: string, input: string, record: (m: EntityManager) => Promise<void>): Promise<FileJobInfo> {
    try {
      await this.unitOfWork.run(actor, 'import.request', async (m, tx) => {
        await record(m);
        await tx.enqueue('files.import', { jobId: id });
      });
    } catch (err) {
      await this.storage.delete(input);
      throw err;
    }
    return this.get(actor, id);
  }

  private async insert(
    m: EntityManager,
    actor: Actor,
    id: string,
    kind: FileJobKind,
    params: AttachmentExportParams | ImportJobParams | ListExportParams,
    input: FileJobInput | null,
  ): Promise<void> {
    await this.repo.insert(m, { id, kind, params, input, createdBy: actor.userId || null, at: this.clock.now(), expiresAt: this.expiry() });
  }

  /** The user's own unexpired jobs, newest first. */
  async list(actor: Actor): Promise<FileJobInfo[]> {
    const rows = await this.repo.listOf(actor.userId, this.clock.now());
    return rows.map(info);
  }

  async get(actor: Actor, id: string): Promise<FileJobInfo> {
    return info(await this.own(actor, id));
  }

  /** One of the user's jobs, or 404 (someone else's job looks the same as none). */
  private async own(actor: Actor, id: string): Promise<FileJobRow> {
    const row = /^[0-9a-f-]{36}$/i.test(id) ? await this.repo.ownedBy(id, actor.userId, this.clock.now()) : null;
    if (!row) throw AppException.notFound('任务');
    return row;
  }

  /** A queued job is cancelled at once; a running one stops at its next progress report. */
  async cancel(actor: Actor, id: string): Promise<FileJobInfo> {
    await this.own(actor, id);
    await this.repo.cancel(id, this.clock.now());
    return this.get(actor, id);
  }

  async download(actor: Actor, id: string): Promise<{ fileName: string; stream: Readable; size: number }> {
    const row = await this.own(actor, id);
    if (row.status !== 'succeeded' || !row.output_path) throw AppException.notFound('文件');
    // Streamed from the store (a folder or a bucket), never read whole.
    const stream = await openRecorded(this.storage, row.output_path, () => AppException.notFound('文件'));
    await this.audit.record({ actor, ip: actor.ip, action: 'export.download', objectType: 'file_job', objectId: id, result: 'success', details: { fileName: row.output_name, sha256: row.output_sha256 } });
    return { fileName: row.output_name ?? `${id}.xlsx`, stream, size: Number(row.output_size) };
  }

  // ---------------------------------------------------------------------------------------------
  // The worker side
  // ---------------------------------------------------------------------------------------------

  /**
   * The 统计表 of a city report's submission (issue 17, 004 三(二)): generated once, from the
   * figures as of the submission day (Dec 31 for a past year's report submitted later), written
   * to the file store and recorded (its key) with its SHA-256 on the report, so every later download is
   * this file whatever changes afterwards. A job whose submission has been superseded (returned
   * and submitted again) does nothing; one already done is not redone. Returns the file's key.
   */
  async freezeCityAttachment(reportId: string, submittedAt: string): Promise<string | null> {
    const row = await this.cityReports.submission(reportId);
    const at = new Date(submittedAt).getTime();
    if (!row?.submitted_at || new Date(row.submitted_at).getTime() !== at) return null;
    if (row.attachment_submitted_at && new Date(row.attachment_submitted_at).getTime() === at) return row.attachment_path;
    const asOf = yearAsOf(row.year, chinaDate(new Date(at)));
    // The report's own city, acting through the worker: the export checks that scope like any other.
    const actor: Actor = { userId: '', username: 'system:city-report', role: 'city', sessionId: '', regionCode: row.region_code, regionPath: null, enterpriseId: null, ip: null };
    // A name of its own per run: two runs of one job must not write into each other's file.
    const path = `city-report-${row.id}-${at}-${randomUUID()}.xlsx`;
    const summary = await this.exportToStore(path, (tmp) => this.attachment.export(actor, { region: row.region_code, year: row.year, asOf }, tmp));
    const file = { path, name: summary.fileName.slice(0, 255), sha256: summary.sha256, size: summary.bytes, asOf };
    if (!(await this.cityReports.keepAttachment(row.id, new Date(at), file))) {
      // Submitted again meanwhile (that submission's job makes its own), or another run of this job
      // kept its file first: the first file kept is the one every download gets, never replaced.
      await this.storage.delete(path);
      return this.cityReports.keptAttachmentPath(row.id, new Date(at));
    }
    if (row.attachment_path && storageKey(row.attachment_path) !== path) await this.storage.delete(storageKey(row.attachment_path));
    return path;
  }

  /** An export written to a temporary file, then streamed into the store under `key`. */
  private exportToStore<T>(key: string, write: (tmp: string) => Promise<T>): Promise<T> {
    return withTempFile(key, async (tmp) => {
      const summary = await write(tmp);
      await this.storage.putFile(key, tmp);
      return summary;
    });
  }

  /**
   * Runs a queued job (or one a dead worker left running: it starts again from the beginning).
   * The outcome is written to the row; nothing is thrown for a job that failed on its own input,
   * so bull does not retry it.
   */
  async run(id: string): Promise<FileJobStatus | null> {
    const row = await this.repo.start(id, this.clock.now());
    if (!row) return null;
    const actor = await this.actorOf(row.created_by);
    // Progress must be visible while the import's transaction is open, so it is written on a
    // connection of its own, taken now: taking one from inside that transaction could wait forever.
    const progressRunner = await this.repo.connection();
    const progress = this.sink(id, progressRunner.manager);
    try {
      if (!actor) throw AppException.notFound('用户');
      if (row.kind === 'export-attachment' || row.kind === 'export-list') {
        const output = this.key(id, 'export');
        const summary = await this.exportToStore<AttachmentExportSummary | ListExportSummary>(output, (tmp) =>
          row.kind === 'export-list'
            ? this.lists.export(actor, row.params as ListExportParams, tmp, progress)
            : this.attachment.export(actor, row.params as AttachmentExportParams, tmp, progress),
        );
        const snapshotRunId = 'snapshotRunId' in summary ? summary.snapshotRunId : null;
        await this.finish(id, 'succeeded', {
          result: summary,
          output: { name: summary.fileName, path: output, sha256: summary.sha256, size: summary.bytes },
          snapshot: snapshotRunId && 'snapshotBuiltAt' in summary ? { runId: snapshotRunId, builtAt: summary.snapshotBuiltAt } : null,
          done: summary.rows,
        });
      } else {
        const params = row.params as ImportJobParams;
        // The xlsx reader seeks (the zip's central directory): it reads a local copy of a bucket's object.
        const result = await this.storage.withLocalCopy(storageKey(row.input_path!), (path) => {
          const file = { path, originalname: row.input_name ?? 'import.xlsx' };
          return row.kind === 'import-training' ? this.training.import(actor, file, params, progress) : this.roster.import(actor, file, params, progress);
        });
        await this.finish(id, 'succeeded', { result, done: result.total });
      }
      return 'succeeded';
    } catch (err) {
      if (err instanceof JobCancelledError) {
        await this.finish(id, 'cancelled', {});
        return 'cancelled';
      }
      const message = err instanceof AppException ? appMessage(err) : '任务执行失败，请稍后重试或联系管理员';
      if (!(err instanceof AppException)) this.logger.error(`file job ${id} failed: ${(err as Error).stack ?? err}`);
      // A cap exceeded while reading (issue 18 item 1) or a header without the columns: the field
      // errors are kept with the job, as a refused request would have given them.
      await this.finish(id, 'failed', { error: message, details: err instanceof AppException ? err.details : [] });
      return 'failed';
    } finally {
      await progressRunner.release();
    }
  }

  private async finish(
    id: string,
    status: FileJobStatus,
    out: {
      result?: AttachmentExportSummary | ImportResult | ListExportSummary;
      output?: { name: string; path: string; sha256: string; size: number };
      snapshot?: { runId: number; builtAt: string | null } | null;
      done?: number;
      error?: string;
      details?: ApiErrorDetail[];
    },
  ): Promise<void> {
    await this.repo.finish(id, {
      status,
      at: this.clock.now(),
      result: out.result ? JSON.stringify(out.result) : out.details?.length ? JSON.stringify({ details: out.details }) : null,
      error: out.error ?? null,
      output: out.output ?? null,
      snapshot: out.snapshot ?? null,
      // Rows done are kept as reported unless the job succeeded.
      done: status === 'succeeded' ? (out.done ?? null) : null,
    });
  }

  /** Writes progress (throttled) through `m`, a connection of its own, and turns a cancel request into JobCancelledError. */
  private sink(id: string, m: EntityManager): ProgressSink {
    let last = 0;
    const delay = this.config.env === 'production' ? 0 : this.config.fileJobStepDelayMs;
    return {
      report: async (done, total) => {
        if (delay) await new Promise((r) => setTimeout(r, delay));
        const now = Date.now();
        if (now - last < PROGRESS_EVERY_MS && (total === null || done < total)) return;
        last = now;
        const row = await this.repo.progress(m, id, done, total);
        if (!row || row.cancel_requested) throw new JobCancelledError();
      },
    };
  }

  private async actorOf(userId: string | null): Promise<Actor | null> {
    if (!userId) return null;
    const u = await this.repo.user(userId);
    if (!u || !u.is_active) return null;
    return { userId: u.id, username: u.username, role: u.role, sessionId: 'job', regionCode: u.region_code, regionPath: u.path ?? null, enterpriseId: u.enterprise_id, ip: null };
  }

  /** Deletes expired jobs and their files. */
  async cleanup(): Promise<number> {
    const rows = await this.repo.deleteExpired(this.clock.now());
    for (const r of rows) {
      for (const p of [r.input_path, r.output_path]) if (p) await this.storage.delete(storageKey(p));
    }
    if (rows.length) this.logger.log(`removed ${rows.length} expired file jobs`);
    // The import runs' retention (their counts, errors and error reports), with the jobs'.
    await deleteExpiredImportRuns(this.repo.manager, this.clock.now(), this.storage);
    return rows.length;
  }

  /**
   * The daily sweep of orphan objects (issue 21): objects of the product's kinds that no row names
   * and that are older than a day — written by a request whose transaction then rolled back, or by
   * a process killed between the write and the commit. The store is listed first, the rows read
   * after, so a row committed meanwhile still protects its object; a day is longer than any
   * transaction, so an object whose row is about to be committed is never taken. Returns the keys removed.
   */
  async sweepOrphans(now: Date = this.clock.now()): Promise<string[]> {
    const before = now.getTime() - ORPHAN_MIN_AGE_MS;
    const old: string[] = [];
    for await (const o of this.storage.list()) if (PRODUCT_KEY.test(o.key) && o.modified.getTime() < before) old.push(o.key);
    if (!old.length) return [];
    const named = new Set((await this.repo.namedObjects()).map((p) => storageKey(p)));
    const removed = old.filter((k) => !named.has(k));
    for (const key of removed) await this.storage.delete(key);
    if (removed.length) this.logger.log(`removed ${removed.length} orphan objects from ${this.storage.location}`);
    return removed;
  }
}

/** How old an object no row names must be before the daily sweep removes it. */
export const ORPHAN_MIN_AGE_MS = 24 * 3600_000;

/**
 * The keys the product writes (docs/file-jobs.md, "Orphan objects"): a job's upload or export, a
 * city report's frozen 统计表, an import's error workbook, an evidence file. Anything else in the
 * folder or bucket was put there by someone else and is never swept.
 */
const PRODUCT_KEY =
  /^(?:[0-9a-f-]{36}\.(?:upload|export)\.xlsx|city-report-[0-9a-f-]{36}-\d+-[0-9a-f-]{36}\.xlsx|import-errors\/[0-9a-f-]{36}\.xlsx|evidence\/[0-9a-f-]{36})$/i;

function isImport(kind: FileJobKind): kind is ImportJobKind {
  return (IMPORT_JOB_KINDS as readonly string[]).includes(kind);
}

function appMessage(err: AppException): string {
  return err.details.map((d) => d.message).join('；') || err.message || '任务执行失败';
}

function info(r: FileJobRow): FileJobInfo {
  const failed = r.status === 'failed' && r.result !== null && 'details' in r.result ? r.result.details : null;
  const result = failed ? null : (r.result as AttachmentExportSummary | ImportResult | ListExportSummary | null);
  const importResult = isImport(r.kind) ? (result as ImportResult | null) : null;
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    params: r.params,
    done: r.done,
    total: r.total,
    percent: r.status === 'succeeded' ? 100 : r.total ? Math.min(100, Math.floor((r.done / r.total) * 100)) : r.total === 0 ? 100 : null,
    cancelRequested: r.cancel_requested,
    inputName: r.input_name,
    outputName: r.output_name,
    outputSize: r.output_size === null ? null : Number(r.output_size),
    outputSha256: r.output_sha256,
    downloadUrl: r.status === 'succeeded' && r.output_path ? `/api/files/jobs/${r.id}/download` : null,
    errorReportUrl: importResult?.errorReportUrl ?? null,
    result,
    error: r.error,
    errorDetails: failed ?? [],
    snapshot: r.snapshot_run_id ? { runId: Number(r.snapshot_run_id), builtAt: r.snapshot_built_at ? new Date(r.snapshot_built_at).toISOString() : '' } : null,
    createdAt: new Date(r.created_at).toISOString(),
    startedAt: r.started_at ? new Date(r.started_at).toISOString() : null,
    finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
    expiresAt: new Date(r.expires_at).toISOString(),
  };
}
