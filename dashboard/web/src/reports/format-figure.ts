import type { Lang } from '../i18n/index.js';
import { formatNumber } from '../number-format.js';

// The report's language decides the separators (number-format.ts), like the rest of the page;
// the CSV files keep their machine format (`.` decimals, no grouping), built on the server.

/** A figure for a report cell (2 decimals at most); null (no data) as an em dash. */
export function formatFigure(value: number | null | undefined, language?: Lang): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return formatNumber(value, language, 2);
}

/** A percentage as the centre computed it (2 decimals at most): 90,97 or 90.97, 100. */
export function formatPercent(value: number | null | undefined, language?: Lang): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return formatNumber(value, language, 2);
}
