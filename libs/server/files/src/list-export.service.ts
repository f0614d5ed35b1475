import { Injectable } from '@nestjs/common';
import ExcelJS from 'exceljs';
import type { AssessmentPartKey, AuditEntry, CityAssessment, EnterpriseListItem, FilingStatusEnterprise, ListExport, ListExportParams, ListExportSummary, Page, ShortfallItem, ViolationItem } from '@cqo/contracts';
import { AUDIT_COLUMNS, ENTERPRISE_COLUMNS, FILING_STATUS_COLUMNS, RANKING_COLUMNS, INDUSTRY_SECTION_NAMES, LIST_COLUMNS, SHORTFALL_COLUMNS, VIOLATION_COLUMNS, LIST_EXPORT_MAX_ROWS, auditActionLabel, auditObjectLabel } from '@cqo/contracts';
import { yearOf } from '@cqo/policy';
import { AuditService } from '@cqo/server-audit';
import { AppException, Clock, openHashedFile, type Actor, type ProgressSink } from '@cqo/server-common';
import { EnterprisesService, type EnterpriseQueryDto } from '@cqo/server-enterprises';
import { FilingStatusListService, type FilingStatusPageQuery } from '@cqo/server-filings';
import { StatsService } from '@cqo/server-stats';
import { TrainingService } from '@cqo/server-training';
import { ViolationsService, type ViolationQueryDto } from '@cqo/server-violations';

/** Rows fetched per round trip; each page is the list's own query (same filters, same ORDER BY). */
const BATCH = 500;

interface Column<T> {
  header: string;
  width: number;
  value: (row: T) => string | number | null;
}

const VERDICT_NAMES: Record<string, string> = { eligible: '合格', attention: '需关注', ineligible: '不合格' };
const AUDIT_RESULT_NAMES: Record<string, string> = { success: '成功', denied: '拒绝', failure: '失败' };

/** The enterprise list's columns as the page names them (zh-CN, the language the officers file in). */
const ENTERPRISE_EXPORT: Record<(typeof ENTERPRISE_COLUMNS)[number], Column<EnterpriseListItem>> = {
  name: { header: '企业名称', width: 36, value: (r) => r.name },
  region: { header: '所在地区', width: 14, value: (r) => r.regionName },
  aboveSize: { header: '规上', width: 8, value: (r) => (r.aboveSize ? '是' : '否') },
  cqo: { header: '首席质量官', width: 12, value: (r) => r.cqo?.name ?? '未聘任' },
  cqoPhone: { header: '联系电话', width: 15, value: (r) => r.cqo?.phone ?? null },
  termEnd: { header: '任期届满', width: 12, value: (r) => r.cqo?.termEnd ?? null },
  verdict: { header: '任职资格', width: 10, value: (r) => (r.cqo?.verdict ? (VERDICT_NAMES[r.cqo.verdict] ?? r.cqo.verdict) : null) },
  flags: {
    header: '提示',
    width: 20,
    value: (r) => [r.cqo?.disqualified ? '资格取消仍在岗' : '', r.cqo?.duplicate ? '重复任职' : ''].filter(Boolean).join('；') || null,
  },
  award: { header: '获奖', width: 8, value: (r) => (r.hasAward ? '是' : '否') },
  creditCode: { header: '统一社会信用代码', width: 22, value: (r) => r.creditCode },
  sizeClass: { header: '企业规模', width: 10, value: (r) => r.sizeClass },
  ownership: { header: '企业类型', width: 10, value: (r) => r.ownership },
  industry: { header: '行业门类', width: 30, value: (r) => (r.industry ? [r.industry, INDUSTRY_SECTION_NAMES[r.industry]].filter(Boolean).join(' ') : null) },
};

const AUDIT_EXPORT: Record<(typeof AUDIT_COLUMNS)[number], Column<AuditEntry>> = {
  at: { header: '时间', width: 20, value: (r) => chinaDateTime(r.at) },
  actor: { header: '操作人', width: 16, value: (r) => r.actorUsername },
  ip: { header: 'IP 地址', width: 16, value: (r) => r.ip },
  action: { header: '操作', width: 28, value: (r) => auditActionLabel(r.action, 'zh-CN') },
  object: { header: '对象', width: 30, value: (r) => auditObjectLabel(r.objectType, r.objectId, 'zh-CN') },
  result: { header: '结果', width: 8, value: (r) => AUDIT_RESULT_NAMES[r.result] ?? r.result },
};

const VIOLATION_SUBJECT_NAMES: Record<string, string> = { enterprise: '企业', cqo: '首席质量官', both: '企业及首席质量官' };
const VIOLATION_STATUS_NAMES: Record<string, string> = { open: '待整改', rectified: '已整改', closed: '已关闭' };

const VIOLATION_EXPORT: Record<(typeof VIOLATION_COLUMNS)[number], Column<ViolationItem>> = {
  enterprise: { header: '企业', width: 36, value: (r) => r.enterpriseName },
  region: { header: '所在地区', width: 14, value: (r) => r.regionName },
  subject: { header: '对象', width: 20, value: (r) => `${VIOLATION_SUBJECT_NAMES[r.subject] ?? r.subject}${r.personName ? `（${r.personName}）` : ''}` },
  type: { header: '违规类型', width: 24, value: (r) => [r.type, r.accidentLevel].filter(Boolean).join(' · ') },
  occurredOn: { header: '发生日期', width: 12, value: (r) => r.occurredOn },
  sourceDocument: { header: '依据文书', width: 24, value: (r) => r.sourceDocument },
  description: { header: '情况说明', width: 30, value: (r) => r.description },
  status: { header: '状态', width: 10, value: (r) => VIOLATION_STATUS_NAMES[r.status] ?? r.status },
  statusNote: { header: '处理说明', width: 24, value: (r) => r.statusNote },
  recordedAt: { header: '登记', width: 20, value: (r) => chinaDateTime(r.recordedAt) },
};

/** The shortfall list (SPEC §3/§4): the year's hours per part and what is missing, as the page shows them. */
const SHORTFALL_EXPORT: Record<(typeof SHORTFALL_COLUMNS)[number], Column<ShortfallItem>> = {
  enterprise: { header: '企业', width: 36, value: (r) => r.enterpriseName },
  region: { header: '所在地区', width: 14, value: (r) => r.regionName },
  person: { header: '首席质量官', width: 12, value: (r) => r.personName },
  appointedOn: { header: '聘任日期', width: 12, value: (r) => r.appointedOn },
  firstCategory: { header: '继续教育(第一类)', width: 16, value: (r) => r.hours.firstCategory },
  secondCategory: { header: '第二类', width: 10, value: (r) => r.hours.secondCategory },
  activities: { header: '组织培训活动', width: 14, value: (r) => r.hours.activities },
  shortHours: { header: '还差学时', width: 10, value: (r) => r.shortHours },
  shortActivities: { header: '还差活动次数', width: 12, value: (r) => r.shortActivities },
};

const REPORT_PROGRESS_NAMES: Record<string, string> = { 'not-started': '未填报', draft: '草稿', submitted: '已上报', returned: '已退回', accepted: '已受理' };

/** 报送情况's enterprise list (SPEC §2), as the page shows it. */
const FILING_STATUS_EXPORT: Record<(typeof FILING_STATUS_COLUMNS)[number], Column<FilingStatusEnterprise>> = {
  enterprise: { header: '企业', width: 36, value: (r) => r.enterpriseName },
  creditCode: { header: '统一社会信用代码', width: 22, value: (r) => r.creditCode },
  region: { header: '地区', width: 14, value: (r) => r.regionName },
  expected: { header: '应报', width: 8, value: (r) => (r.expected ? '是' : '否') },
  status: { header: '状态', width: 12, value: (r) => `${REPORT_PROGRESS_NAMES[r.status] ?? r.status}${r.late ? '（迟报）' : ''}` },
  submittedAt: { header: '上报时间', width: 20, value: (r) => (r.submittedAt ? chinaDateTime(r.submittedAt) : null) },
  lastRemindedAt: { header: '最近催报', width: 20, value: (r) => (r.lastRemindedAt ? chinaDateTime(r.lastRemindedAt) : null) },
};

/** A part of the score as the ranking shows it: points out of the weight, or 不适用. */
const partCell = (key: AssessmentPartKey) => (r: CityAssessment) => {
  const part = r.parts.find((p) => p.key === key);
  return part && part.points !== null ? `${part.points}/${part.weight}` : '不适用';
};

/** The 市州 ranking of the yearly assessment (考核), as the overview's table shows it. */
const RANKING_EXPORT: Record<(typeof RANKING_COLUMNS)[number], Column<CityAssessment>> = {
  rank: { header: '排名', width: 6, value: (r) => r.rank },
  name: { header: '市州', width: 14, value: (r) => r.name },
  score: { header: '得分', width: 8, value: (r) => r.score },
  aboveSize: { header: '规上聘任', width: 14, value: partCell('aboveSize') },
  sme: { header: '中小聘任', width: 14, value: partCell('sme') },
  award: { header: '获奖聘任', width: 14, value: partCell('award') },
  filingOnTime: { header: '按时报送', width: 14, value: partCell('filingOnTime') },
  training: { header: '培训达标', width: 12, value: partCell('training') },
  penalty: { header: '扣分', width: 8, value: (r) => (r.penalty.points > 0 ? -r.penalty.points : 0) },
};

const TITLES: Record<ListExport, string> = {
  enterprises: '企业列表',
  audit: '审计日志',
  violations: '违规记录',
  shortfall: '学时不足',
  'filing-status': '年报报送情况',
  ranking: '市州考核排名',
};
const COLUMNS: Record<ListExport, Record<string, Column<never>>> = {
  enterprises: ENTERPRISE_EXPORT,
  audit: AUDIT_EXPORT,
  violations: VIOLATION_EXPORT,
  shortfall: SHORTFALL_EXPORT,
  'filing-status': FILING_STATUS_EXPORT,
  ranking: RANKING_EXPORT,
};

/** `2026-12-04 19:30:05` in China time. */
function chinaDateTime(iso: string): string {
  const d = new Date(new Date(iso).getTime() + 8 * 3_600_000);
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * The export of what a list page shows (issue 20 items 3 and 6): the list's own query, with the
 * page's filters and sort, read page by page as the actor (so the scope is the list's), written
 * with the page's visible columns in the page's order to an xlsx file.
 */
@Injectable()
export class ListExportService {
  constructor(
    private readonly enterprises: EnterprisesService,
    private readonly audit: AuditService,
    private readonly violations: ViolationsService,
    private readonly training: TrainingService,
    private readonly filingStatus: FilingStatusListService,
    private readonly stats: StatsService,
    private readonly clock: Clock,
  ) {}

  /** The columns asked for, in the list's order; an unknown one or none at all is a 400 on `columns`. */
  static columns(list: ListExport, asked: readonly string[] | undefined): string[] {
    const known = LIST_COLUMNS[list];
    const unknown = (asked ?? []).filter((c) => !known.includes(c));
    const chosen = known.filter((c) => (asked ?? known).includes(c));
    if (unknown.length || !chosen.length) throw AppException.validation([{ field: 'columns', code: 'columns', message: '导出列无效' }]);
    return chosen;
  }

  async export(actor: Actor, params: ListExportParams, outPath: string, progress: ProgressSink): Promise<ListExportSummary> {
    const fetchPage = this.pager(actor, params);
    const columns = this.columnsOf(params);
    const out = openHashedFile(outPath);
    const title = TITLES[params.list];
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out.stream, useSharedStrings: false, useStyles: true });
    wb.creator = '企业首席质量官制度监管平台';
    wb.lastModifiedBy = actor.username;
    wb.created = this.clock.now();
    wb.title = title;
    const ws = wb.addWorksheet(title, { views: [{ state: 'frozen', ySplit: 1, xSplit: params.list === 'audit' ? 0 : 1 }] });
    ws.columns = columns.map((c) => ({ header: c.header, width: c.width }));
    ws.getRow(1).font = { bold: true };
    ws.getRow(1).commit();
    let rows = 0;
    try {
      for (let page = 1; ; page++) {
        const result = await fetchPage(page);
        if (result.total > LIST_EXPORT_MAX_ROWS) {
          throw AppException.validation([{ field: 'rows', code: 'rows', message: `一次最多导出 ${LIST_EXPORT_MAX_ROWS} 行，请先筛选` }]);
        }
        for (const item of result.items) {
          ws.addRow(columns.map((c) => c.value(item as never))).commit();
          rows++;
        }
        await progress.report(rows, result.total);
        if (result.items.length < BATCH || rows >= result.total) break;
      }
      ws.commit();
      await wb.commit();
    } catch (err) {
      // A cancel or a failure leaves no partial file.
      await out.abort();
      throw err;
    }
    const { sha256, bytes } = await out.finish();
    const stamp = this.clock.today().replace(/-/g, '');
    return { list: params.list, rows, sha256, bytes, fileName: `${title}-${stamp}.xlsx` };
  }

  private columnsOf(params: ListExportParams): Column<never>[] {
    return ListExportService.columns(params.list, params.columns).map((c) => COLUMNS[params.list][c]);
  }

  /** Page `n` of the list, as the list endpoint answers it for the same query. */
  private pager(actor: Actor, params: ListExportParams): (page: number) => Promise<Page<unknown>> {
    const query = params.query;
    switch (params.list) {
      case 'enterprises':
        return (page) => this.enterprises.list(actor, { ...query, page, pageSize: BATCH } as EnterpriseQueryDto);
      case 'violations':
        return (page) => this.violations.list(actor, { ...query, page, pageSize: BATCH } as ViolationQueryDto);
      case 'shortfall':
        return (page) => this.training.shortfall(actor, { ...query, page, pageSize: BATCH });
      case 'audit':
        return (page) => this.audit.list({ ...query, page, pageSize: BATCH });
      case 'filing-status':
        return (page) => this.filingStatus.list(actor, { ...query, page, pageSize: BATCH } as FilingStatusPageQuery);
      case 'ranking':
        // One page: a row per 市州.
        return async (page) => {
          const year = typeof query.year === 'number' ? query.year : yearOf(this.clock.today());
          const items = page === 1 ? (await this.stats.assessment(year, query.sort as string | undefined)).items : [];
          return { items, total: items.length, page, pageSize: BATCH };
        };
    }
  }
}
