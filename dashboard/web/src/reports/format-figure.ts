// `.` decimals and no grouping whatever the browser's locale: figures are compared with
// limits written that way and copied into documents.
const LARGE = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2, useGrouping: false });
const SMALL = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3, useGrouping: false });

/** A figure for a report cell; null (no data) as an em dash. */
export function formatFigure(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (value === 0) return '0';
  return Math.abs(value) >= 1 ? LARGE.format(value) : SMALL.format(value);
}

/** A percentage as the centre computed it (2 decimals at most): 90.97, 100. */
export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return LARGE.format(value);
}
