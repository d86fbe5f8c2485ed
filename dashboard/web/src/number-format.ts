import { lang, type Lang } from './i18n/index.js';

/**
 * Numbers for people, one format per language: Vietnamese groups thousands with "." and
 * writes decimals with "," (36.947,7), English the other way round (36,947.7). Every value on
 * the page (cards, tables, chart axes and tooltips, reports) goes through here, so the same
 * figure never shows in two ways. Formatters are cached per language and rule: a table
 * renders thousands of values.
 */
const LOCALES: Record<Lang, string> = { vi: 'vi-VN', en: 'en' };
const cache = new Map<string, Intl.NumberFormat>();

function formatter(language: Lang, key: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const id = `${language}|${key}`;
  let f = cache.get(id);
  if (f === undefined) {
    f = new Intl.NumberFormat(LOCALES[language], options);
    cache.set(id, f);
  }
  return f;
}

/** The locale of a language, for other Intl formats. */
export const localeOf = (language: Lang = lang()): string => LOCALES[language];

/**
 * A measured figure: at most `maxFraction` decimals, and 3 significant digits below 1 so that
 * 0.00123 mg/Nm3 does not show as 0. Trailing zeros are dropped.
 */
export function formatNumber(value: number, language: Lang = lang(), maxFraction = 3): string {
  if (Number.isNaN(value)) return '—';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  if (value === 0) return '0';
  if (Math.abs(value) >= 1) return formatter(language, `f${maxFraction}`, { maximumFractionDigits: maxFraction }).format(value);
  return formatter(language, 's3', { maximumSignificantDigits: 3 }).format(value);
}

/** A number with exactly `digits` decimals (a percentage to 1 decimal, coordinates to 4). */
export function formatFixed(value: number, digits: number, language: Lang = lang()): string {
  if (!Number.isFinite(value)) return '—';
  return formatter(language, `x${digits}`, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}

/** Back to a number from `formatNumber`/`formatFixed` text (tests, and pasted figures). */
export function parseNumber(text: string, language: Lang = lang()): number {
  const [group, decimal] = language === 'vi' ? ['.', ','] : [',', '.'];
  const plain = text
    .replace(/\u2212/g, '-')
    .split(group)
    .join('')
    .replace(decimal, '.');
  return /^-?\d+(\.\d+)?$/.test(plain) ? Number(plain) : NaN;
}
