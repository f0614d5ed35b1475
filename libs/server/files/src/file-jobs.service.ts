import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  AttachmentExportParams,
  AttachmentExportSummary,
  FileJobInfo,
  FileJobKind,
  ImportJobKind,
  ImportJobParams,
  ImportMode,
  ImportResult,
  ListExport,
  ListExportParams,
  ListExportSummary,
} from '@cqo/contracts';
import { IMPORT_JOB_KINDS, isUuid } from '@cqo/contracts';
import { isIsoDate } from '@cqo/policy';
import { AttachmentExportService } from '@cqo/server-attachment';
import { AuditService } from '@cqo/server-audit';
import { APP_CONFIG, AppException, Clock, type Actor, type AppConfig } from '@cqo/server-common';
import { assertXlsx } from '@cqo/server-imports';
import { UnitOfWork } from '@cqo/server-queue';
import { FILE_STORAGE, openRecorded, storageKey, type FileStorage } from '@cqo/server-storage';
import { FileJobsRepository, jobFileKey, type FileJobInput, type FileJobRow } from './file-jobs.repository';
import { ListExportService } from './list-export.service';

/**
 * Long spreadsheet jobs (issue 7), the api's side. It checks a request, stores the job (and an
 * upload, in the file store) and queues it through the outbox in one transaction; the worker runs
 * it (`FileJobRunner`), reporting rows done into the row the user polls, and stops when the user
 * cancels. Finished files are listed in 我的导出/导入 until they expire.
 */
@Injectable()
export class FileJobsService {
  constructor(
    private readonly repo: FileJobsRepository,
    private readonly attachment: AttachmentExportService,
    private readonly unitOfWork: UnitOfWork,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(FILE_STORAGE) private readonly storage: FileStorage,
  ) {}

  private expiry(): Date {
    return new Date(this.clock.now().getTime() + this.config.fileJobDays * 86_400_000);
  }

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
    const input = jobFileKey(id, 'upload');
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
    const input = jobFileKey(next, 'upload');
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
    const row = isUuid(id) ? await this.repo.ownedBy(id, actor.userId, this.clock.now()) : null;
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
}

export function isImport(kind: FileJobKind): kind is ImportJobKind {
  return (IMPORT_JOB_KINDS as readonly string[]).includes(kind);
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
