/** Shown wherever a number cannot be computed (0/0, missing data) — never "NaN". */
export const EMPTY_VALUE = '—';

const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 6012 → "6,012". Missing or non-finite input → "—". */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return EMPTY_VALUE;
  return integerFormat.format(value);
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
