// List tools (issue 20 item 3): every list page sorts on the server by a whitelisted key, and
// exports what it shows (the same filters, sort and visible columns) as an xlsx file job.

/** `key` sorts ascending, `-key` descending. */
export type SortParam<K extends string> = K | `-${K}`;

/** Every value a `sort` parameter over `keys` may take (for a DTO's whitelist). */
export function sortValues<K extends string>(keys: readonly K[]): SortParam<K>[] {
  return keys.flatMap((k) => [k, `-${k}` as const]);
}

/** The key and direction of a sort value. */
export function parseSort<K extends string>(sort: string | undefined, keys: readonly K[]): { key: K; desc: boolean } | null {
  if (!sort) return null;
  const desc = sort.startsWith('-');
  const key = (desc ? sort.slice(1) : sort) as K;
  return keys.includes(key) ? { key, desc } : null;
}

/** The enterprise list's sortable columns. */
export const ENTERPRISE_SORT_KEYS = ['name', 'region', 'creditCode', 'aboveSize', 'sizeClass', 'ownership', 'industry', 'termEnd', 'verdict'] as const;
export type EnterpriseSortKey = (typeof ENTERPRISE_SORT_KEYS)[number];
/** The enterprise list's columns, in the page's order (column settings and export use these keys). */
export const ENTERPRISE_COLUMNS = [
  'name',
  'region',
  'aboveSize',
  'cqo',
  'cqoPhone',
  'termEnd',
  'verdict',
  'flags',
  'award',
  'creditCode',
  'sizeClass',
  'ownership',
  'industry',
] as const;
export type EnterpriseColumn = (typeof ENTERPRISE_COLUMNS)[number];

/** The audit log's sortable columns. */
export const AUDIT_SORT_KEYS = ['at', 'actor', 'action', 'result'] as const;
export type AuditSortKey = (typeof AUDIT_SORT_KEYS)[number];
export const AUDIT_COLUMNS = ['at', 'actor', 'ip', 'action', 'object', 'result'] as const;
export type AuditColumn = (typeof AUDIT_COLUMNS)[number];

/** The violation list's sortable columns. */
export const VIOLATION_SORT_KEYS = ['enterprise', 'region', 'type', 'occurredOn', 'status', 'recordedAt'] as const;
export type ViolationSortKey = (typeof VIOLATION_SORT_KEYS)[number];
export const VIOLATION_COLUMNS = ['enterprise', 'region', 'subject', 'type', 'occurredOn', 'sourceDocument', 'description', 'status', 'statusNote', 'recordedAt'] as const;
export type ViolationColumn = (typeof VIOLATION_COLUMNS)[number];

/** The training shortfall list's sortable columns (default: most hours short first). */
export const SHORTFALL_SORT_KEYS = ['enterprise', 'region', 'person', 'appointedOn', 'shortHours', 'shortActivities'] as const;
export type ShortfallSortKey = (typeof SHORTFALL_SORT_KEYS)[number];
export const SHORTFALL_COLUMNS = ['enterprise', 'region', 'person', 'appointedOn', 'firstCategory', 'secondCategory', 'activities', 'shortHours', 'shortActivities'] as const;
export type ShortfallColumn = (typeof SHORTFALL_COLUMNS)[number];

/** The account list's sortable columns (default: by username). */
export const USER_SORT_KEYS = ['username', 'displayName', 'role'] as const;
export type UserSortKey = (typeof USER_SORT_KEYS)[number];

/** 报送情况's enterprise list (who has filed the year's report; default: by region, then name). */
export const FILING_STATUS_SORT_KEYS = ['enterprise', 'creditCode', 'region', 'status', 'submittedAt', 'lastRemindedAt'] as const;
export type FilingStatusSortKey = (typeof FILING_STATUS_SORT_KEYS)[number];
export const FILING_STATUS_COLUMNS = ['enterprise', 'creditCode', 'region', 'expected', 'status', 'submittedAt', 'lastRemindedAt'] as const;
export type FilingStatusColumn = (typeof FILING_STATUS_COLUMNS)[number];

/** The 市州 ranking of the yearly assessment (考核; default: by rank); a part sorts by its points. */
export const RANKING_SORT_KEYS = ['rank', 'name', 'score', 'aboveSize', 'sme', 'award', 'filingOnTime', 'training', 'penalty'] as const;
export type RankingSortKey = (typeof RANKING_SORT_KEYS)[number];
export const RANKING_COLUMNS = ['rank', 'name', 'score', 'aboveSize', 'sme', 'award', 'filingOnTime', 'training', 'penalty'] as const;
export type RankingColumn = (typeof RANKING_COLUMNS)[number];

/** The lists that export what they show. */
export const LIST_EXPORTS = ['enterprises', 'audit', 'violations', 'shortfall', 'filing-status', 'ranking'] as const;
export type ListExport = (typeof LIST_EXPORTS)[number];
export const LIST_COLUMNS: Record<ListExport, readonly string[]> = {
  enterprises: ENTERPRISE_COLUMNS,
  audit: AUDIT_COLUMNS,
  violations: VIOLATION_COLUMNS,
  shortfall: SHORTFALL_COLUMNS,
  'filing-status': FILING_STATUS_COLUMNS,
  ranking: RANKING_COLUMNS,
};

/** One export holds at most this many rows (a wider list is narrowed by its filters first). */
export const LIST_EXPORT_MAX_ROWS = 100_000;

/** What a list export is asked for: the list's query as the page sent it (without paging) and the visible columns. */
export interface ListExportParams {
  list: ListExport;
  query: Record<string, unknown>;
  columns: string[];
}

/** What a list export produced. */
export interface ListExportSummary {
  list: ListExport;
  rows: number;
  sha256: string;
  bytes: number;
  /** Suggested download name, e.g. `企业列表-20261204.xlsx`. */
  fileName: string;
}
