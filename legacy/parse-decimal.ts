/** Mantissa and exponent of a number as loggers write it; linear to match (no nested repetition). */
const NUMBER = /^[+-]?([\d.,]+)([eE][+-]?\d+)?$/;

/** A number with a decimal point or comma (`54.2`, `54,2`, `1.234,5`, `1,234.5`); anything else is returned as written. */
export function parseDecimal(text: string): number | string {
  const t = text.replace(/\s+/g, '');
  const m = NUMBER.exec(t);
  if (!m || !/\d/.test(m[1]!)) return text;
  const lastComma = t.lastIndexOf(',');
  const lastDot = t.lastIndexOf('.');
  let normal = t;
  if (lastComma >= 0 && lastDot >= 0) normal = lastComma > lastDot ? t.replace(/\./g, '').replace(',', '.') : t.replace(/,/g, '');
  else if (lastComma >= 0) {
    if ((t.match(/,/g) ?? []).length > 1) return text;
    normal = t.replace(',', '.');
  } else if ((t.match(/\./g) ?? []).length > 1) return text;
  const n = Number(normal);
  return Number.isFinite(n) ? n : text;
}
