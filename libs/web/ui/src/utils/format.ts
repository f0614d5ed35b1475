/** Shown wherever a number cannot be computed (0/0, missing data) — never "NaN". */
export const EMPTY_VALUE = '—';

const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 6012 → "6,012". Missing or non-finite input → "—". */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return EMPTY_VALUE;
  return integerFormat.format(value);
}

/**
 * part / whole as a percentage with `digits` decimals: (1, 3) → "33.3%".
 * A zero, negative or missing whole has no meaningful rate → "—".
 */
export function formatRate(
  part: number | null | undefined,
  whole: number | null | undefined,
  digits = 1,
): string {
  if (part === null || part === undefined || whole === null || whole === undefined) return EMPTY_VALUE;
  if (!Number.isFinite(part) || !Number.isFinite(whole) || whole <= 0) return EMPTY_VALUE;
  return `${((part / whole) * 100).toFixed(digits)}%`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** ISO time → local "YYYY-MM-DD HH:mm"; null or unparsable → null so callers can pick their own wording. */
export function formatDateTime(iso: string | null | undefined): string | null {
  if (!iso) return null;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}
