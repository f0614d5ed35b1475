import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  ApiErrorDetail,
  AttachmentExportParams,
  AttachmentExportSummary,
  FileJobStatus,
  ImportJobParams,
  ImportResult,
  ListExportParams,
  ListExportSummary,
} from '@cqo/contracts';
import { chinaDate, yearAsOf } from '@cqo/policy';
import { AttachmentExportService } from '@cqo/server-attachment';
import { APP_CONFIG, AppException, Clock, JobCancelledError, type Actor, type AppConfig, type ProgressSink } from '@cqo/server-common';
import { CityReportsRepository } from '@cqo/server-filings';
import { deleteExpiredImportRuns } from '@cqo/server-imports';
import { RosterImportService } from '@cqo/server-roster';
import { FILE_STORAGE, storageKey, withTempFile, type FileStorage } from '@cqo/server-storage';
import { TrainingImportService } from '@cqo/server-training';
import { FileJobsRepository, jobFileKey } from './file-jobs.repository';
import { ListExportService } from './list-export.service';

/** Progress is written at most this often; cancellation is seen at the same moments. */
const PROGRESS_EVERY_MS = 250;

/**
 * Long spreadsheet jobs (issue 7), the worker's side: it runs the jobs `FileJobsService` queued,
 * freezes a city report's 统计表, and removes expired jobs and orphan objects.
 */
@Injectable()
export class FileJobRunner {
  private readonly logger = new Logger(FileJobRunner.name);

  constructor(
    private readonly repo: FileJobsRepository,
    private readonly attachment: AttachmentExportService,
    private readonly lists: ListExportService,
    private readonly roster: RosterImportService,
    private readonly training: TrainingImportService,
    private readonly cityReports: CityReportsRepository,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(FILE_STORAGE) private readonly storage: FileStorage,
  ) {}

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
        const output = jobFileKey(id, 'export');
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

function appMessage(err: AppException): string {
  return err.details.map((d) => d.message).join('；') || err.message || '任务执行失败';
}
