import type { Lang } from './i18n/index.js';
import { formatNumber } from './number-format.js';

/**
 * A measured value for display, in the page's language (number-format.ts): at most 3
 * decimals, and 3 significant digits below 1 so that 0.00123 mg/Nm3 does not show as 0.001.
 * Trailing zeros are dropped.
 */
export function formatValue(value: number, language?: Lang): string {
  return formatNumber(value, language);
}
