import { FILE_JOB_STATUSES } from '@cqo/contracts';
import type { FileJobInfo, ImportResult } from '@cqo/contracts';
import {
  anyActive,
  canCommit,
  canUseFileJobs,
  downloadNameOf,
  importResultOf,
  errorReportName,
  isIndeterminate,
  isXlsxName,
  paramsSummary,
  percentOf,
  progressStatus,
  rowsText,
  statusTagType,
  validRows,
} from './files';
import type { ParamsLabels } from './files';

function job(over: Partial<FileJobInfo> = {}): FileJobInfo {
  return {
    id: 'j1',
    kind: 'export-attachment',
    status: 'running',
    params: { region: '420100', year: 2026 },
    done: 0,
    total: null,
    percent: null,
    cancelRequested: false,
    inputName: null,
    outputName: null,
    outputSize: null,
    outputSha256: null,
    downloadUrl: null,
    errorReportUrl: null,
    result: null,
    error: null,
    errorDetails: [],
    snapshot: null,
    createdAt: '2026-06-30T02:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    expiresAt: '2026-07-07T02:00:00.000Z',
    ...over,
  };
}

function importResult(over: Partial<ImportResult> = {}): ImportResult {
  return {
    id: 'r1',
    kind: 'roster',
    mode: 'all-or-nothing',
    fileName: '名录.xlsx',
    total: 10,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    rejected: [],
    rejectedRows: 0,
    committed: false,
    errorReportUrl: null,
    ...over,
  };
}

function dryRun(mode: 'all-or-nothing' | 'keep-valid', result: Partial<ImportResult>, over: Partial<FileJobInfo> = {}): FileJobInfo {
  return job({ kind: 'import-roster', status: 'succeeded', params: { mode, dryRun: true }, result: importResult({ mode, ...result }), ...over });
}

const labels: ParamsLabels = {
  export: ({ region, year }) => `${region} · ${year} 年`,
  asOf: (date) => `截至 ${date}`,
  mode: (mode) => (mode === 'all-or-nothing' ? '全部成功才导入' : '仅导入有效行'),
  dryRun: '校验',
  commit: '导入',
};

describe('canUseFileJobs', () => {
  it('lets the officers in and no one else', () => {
    expect(['county', 'city', 'province'].every((r) => canUseFileJobs(r as 'city'))).toBe(true);
    expect(canUseFileJobs('enterprise')).toBe(false);
    expect(canUseFileJobs('admin')).toBe(false);
    expect(canUseFileJobs('evaluator')).toBe(false);
    expect(canUseFileJobs(null)).toBe(false);
  });
});

describe('percentOf', () => {
  it('prefers the API percent, rounded down', () => {
    expect(percentOf(job({ percent: 42.7, done: 1, total: 1000 }))).toBe(42);
  });

  it('falls back to done / total', () => {
    expect(percentOf(job({ done: 250, total: 1000 }))).toBe(25);
  });

  it('is 0 while nothing is known', () => {
    expect(percentOf(job({ status: 'queued' }))).toBe(0);
    expect(percentOf(job({ done: 10, total: 0 }))).toBe(0);
  });

  it('reaches 100 only when the job has succeeded', () => {
    expect(percentOf(job({ percent: 100, done: 1000, total: 1000 }))).toBe(99);
    expect(percentOf(job({ status: 'succeeded', percent: 97, done: 970, total: 1000 }))).toBe(100);
    expect(percentOf(job({ status: 'succeeded' }))).toBe(100);
  });

  it('keeps where a stopped job got to, within 0–100', () => {
    expect(percentOf(job({ status: 'failed', done: 300, total: 1000 }))).toBe(30);
    expect(percentOf(job({ status: 'cancelled', percent: 180 }))).toBe(100);
    expect(percentOf(job({ status: 'cancelled', percent: -5 }))).toBe(0);
  });
});

describe('isIndeterminate / anyActive', () => {
  it('moves without a number only while running with no total', () => {
    expect(isIndeterminate(job())).toBe(true);
    expect(isIndeterminate(job({ total: 100 }))).toBe(false);
    expect(isIndeterminate(job({ status: 'queued' }))).toBe(false);
  });

  it('polls a list while one job is queued or running', () => {
    expect(anyActive([job({ status: 'succeeded' }), job({ status: 'queued' })])).toBe(true);
    expect(anyActive([job({ status: 'succeeded' }), job({ status: 'failed' }), job({ status: 'cancelled' })])).toBe(false);
    expect(anyActive([])).toBe(false);
  });
});

describe('statusTagType / progressStatus', () => {
  it('colours every status', () => {
    expect(FILE_JOB_STATUSES.map(statusTagType)).toEqual(['info', 'primary', 'success', 'danger', 'warning']);
    expect(FILE_JOB_STATUSES.map(progressStatus)).toEqual([undefined, undefined, 'success', 'exception', 'warning']);
  });
});

describe('rowsText', () => {
  it('shows done and total with thousands separators', () => {
    expect(rowsText({ done: 1200, total: 5000 })).toBe('1,200 / 5,000');
    expect(rowsText({ done: 1200, total: null })).toBe('1,200');
  });
});

describe('paramsSummary', () => {
  it('names the region, year and as-of date of an export', () => {
    expect(paramsSummary(job(), labels)).toBe('420100 · 2026 年');
    expect(paramsSummary(job(), labels, (code) => (code === '420100' ? '武汉市' : undefined))).toBe('武汉市 · 2026 年');
    expect(paramsSummary(job({ params: { region: '420100', year: 2025, asOf: '2025-06-30' } }), labels)).toBe('420100 · 2025 年 · 截至 2025-06-30');
  });

  it('takes the region name from a finished export', () => {
    const done = job({
      status: 'succeeded',
      result: {
        region: '420100',
        regionName: '武汉市',
        year: 2026,
        asOf: '2026-06-30',
        rows: 10,
        summaryRows: 13,
        sha256: 'ab',
        bytes: 100,
        snapshotRunId: 1,
        snapshotBuiltAt: null,
        fileName: '武汉市-2026-企业首席质量官基本情况统计表.xlsx',
      },
    });
    expect(paramsSummary(done, labels)).toBe('武汉市 · 2026 年');
    expect(downloadNameOf(done)).toBe('武汉市-2026-企业首席质量官基本情况统计表.xlsx');
  });

  it('names the file, mode and kind of an import', () => {
    const dry = job({ kind: 'import-roster', params: { mode: 'keep-valid', dryRun: true }, inputName: '名录.xlsx' });
    expect(paramsSummary(dry, labels)).toBe('名录.xlsx · 仅导入有效行 · 校验');
    expect(paramsSummary({ ...dry, inputName: null, params: { mode: 'all-or-nothing', dryRun: false } }, labels)).toBe('全部成功才导入 · 导入');
  });
});

describe('importResultOf', () => {
  it('reads the result of a roster and of a training import (both are jobs, issue 18 item 1), not of an export', () => {
    const result = importResult({ kind: 'training', total: 3 });
    expect(importResultOf(job({ kind: 'import-training', status: 'succeeded', params: { mode: 'keep-valid', dryRun: false }, result }))).toEqual(result);
    expect(importResultOf(dryRun('keep-valid', { total: 4 }))?.total).toBe(4);
    expect(importResultOf(job({ status: 'succeeded', result: null }))).toBeNull();
    expect(importResultOf(job({ kind: 'import-training', status: 'failed', params: { mode: 'keep-valid', dryRun: false } }))).toBeNull();
  });
});

describe('canCommit', () => {
  it('commits a clean dry run', () => {
    expect(canCommit(dryRun('all-or-nothing', {}))).toBe(true);
    expect(canCommit(dryRun('keep-valid', {}))).toBe(true);
  });

  it('commits the good rows only when the user keeps them', () => {
    const rejected = { rejected: [{ row: 3, column: '统一社会信用代码', reason: '校验位错误' }], rejectedRows: 1 };
    expect(canCommit(dryRun('keep-valid', rejected))).toBe(true);
    expect(canCommit(dryRun('all-or-nothing', rejected))).toBe(false);
    expect(canCommit(dryRun('keep-valid', { total: 1, ...rejected }))).toBe(false);
  });

  it('does not commit an unfinished, committed, or real import, nor an export', () => {
    expect(canCommit(dryRun('keep-valid', {}, { status: 'running' }))).toBe(false);
    expect(canCommit(dryRun('keep-valid', { committed: true }))).toBe(false);
    expect(canCommit(dryRun('keep-valid', {}, { params: { mode: 'keep-valid', dryRun: false } }))).toBe(false);
    expect(canCommit(job({ status: 'succeeded' }))).toBe(false);
  });

  it('counts the rows a commit would write', () => {
    expect(validRows({ total: 10, rejectedRows: 3 })).toBe(7);
    expect(validRows({ total: 2, rejectedRows: 3 })).toBe(0);
  });
});

describe('file names', () => {
  it('accepts only .xlsx', () => {
    expect(isXlsxName('名录.XLSX')).toBe(true);
    expect(isXlsxName('名录.xls')).toBe(false);
    expect(isXlsxName('名录.xlsx.csv')).toBe(false);
  });

  it('names the error report after the upload', () => {
    expect(errorReportName('名录.xlsx')).toBe('名录-错误报告.xlsx');
    expect(errorReportName(null)).toBe('import-错误报告.xlsx');
  });

  it('falls back to the stored output name', () => {
    expect(downloadNameOf(job({ outputName: 'a.xlsx' }))).toBe('a.xlsx');
    expect(downloadNameOf(job())).toBe('附件.xlsx');
  });
});
