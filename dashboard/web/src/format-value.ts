// Plain `.` decimals and no grouping, whatever the browser's locale: values are copied into
// reports and compared with limits written that way.
const LARGE = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3, useGrouping: false });
const SMALL = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3, useGrouping: false });

/**
 * A measured value for display: at most 3 decimals, and 3 significant digits below 1 so that
 * 0.00123 mg/Nm3 does not show as 0.001. Trailing zeros are dropped.
 */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  return Math.abs(value) >= 1 ? LARGE.format(value) : SMALL.format(value);
}
