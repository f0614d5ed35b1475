// Text helpers shared by the option builders. Rates are shown by @cqo/policy's formatRate.

/** Shown for a figure that cannot be computed (0 ÷ 0, no data) — never "NaN". */
export const EMPTY_TEXT = '—';

/** A count as plain digits; anything else as "—". */
export function countText(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : EMPTY_TEXT;
}

/** Beyond this many categories the names no longer fit side by side and are slanted. */
export const ROTATE_LABELS_ABOVE = 6;

/**
 * Below this width per category, names slanted at 30° run into each other (a 12 px line needs
 * 12 / sin 30° = 24 px along the axis): they stand upright instead.
 */
export const UPRIGHT_LABELS_BELOW_PX = 26;

type CategoryAxis = { type?: string; data?: unknown[]; axisLabel?: { interval?: unknown; rotate?: number } };

/** The option's single x axis when it is a category axis that shows every name (`interval: 0`). */
function everyNameAxis(option: object): CategoryAxis | null {
  const x = (option as { xAxis?: unknown }).xAxis;
  if (!x || typeof x !== 'object' || Array.isArray(x)) return null;
  const axis = x as CategoryAxis;
  return axis.type === 'category' && axis.axisLabel?.interval === 0 ? axis : null;
}

/**
 * Whether the option, drawn `width` px wide, has too little room per name under its bars for
 * slanted names (a phone's 17 市州, issue 20 screenshots).
 */
export function needsUprightLabels(option: object, width: number): boolean {
  const n = everyNameAxis(option)?.data?.length ?? 0;
  return width > 0 && n >= 2 && width / n < UPRIGHT_LABELS_BELOW_PX;
}

/** The option with the names under its bars standing upright (the option itself when it has no such axis). */
export function uprightLabels<T extends object>(option: T): T {
  const axis = everyNameAxis(option);
  return axis ? { ...option, xAxis: { ...axis, axisLabel: { ...axis.axisLabel, rotate: 90 } } } : option;
}

/** A centred "no data" title, so an empty chart says so instead of drawing bare axes. */
export function emptyTitle(text: string): { text: string; left: string; top: string; textStyle: { fontSize: number; fontWeight: 'normal'; color: string } } {
  return { text, left: 'center', top: 'middle', textStyle: { fontSize: 14, fontWeight: 'normal', color: '#6b6e73' } };
}

/** Escapes text for ECharts' HTML tooltips (region names come from data). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** Tooltip params as ECharts passes them (one item, or an array for axis tooltips). */
export interface TooltipParam {
  dataIndex: number;
  seriesName?: string;
  seriesIndex?: number;
  value?: unknown;
  marker?: unknown;
  name?: string;
}

export function firstParam(params: unknown): TooltipParam | undefined {
  const first: unknown = Array.isArray(params) ? params[0] : params;
  return first && typeof first === 'object' && typeof (first as TooltipParam).dataIndex === 'number' ? (first as TooltipParam) : undefined;
}
