// Text helpers shared by the option builders. Rates are shown by @cqo/policy's formatRate.

/** Shown for a figure that cannot be computed (0 ÷ 0, no data) — never "NaN". */
export const EMPTY_TEXT = '—';

/** A count as plain digits; anything else as "—". */
export function countText(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : EMPTY_TEXT;
}

/** Beyond this many categories the names no longer fit side by side and are slanted. */
export const ROTATE_LABELS_ABOVE = 6;

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
