/**
 * Alert messages as data: a code per rule and variant and plain parameters (numbers, the
 * parameter's name, its unit, minutes, epoch ms), rendered in the reader's language. The server
 * keeps an English rendering in `message` for MQTT subscribers and older readers; the page, the
 * e-mails and the webhooks render the code themselves. Pure and dependency-free (no zod), so the
 * browser bundle imports this file directly; the zod enum is AlertCodeSchema in alert.ts.
 */
import { isAlertCode } from './alert-codes.js';
import { ALERT_TEMPLATES, type TextParts } from './alert-text-templates.js';

export * from './alert-codes.js';

export type AlertTextLang = 'vi' | 'en';
export type AlertParams = Record<string, string | number>;

/** How numbers and clock times are written; the defaults follow the language (Intl.NumberFormat, UTC+7). */
export interface AlertTextFormat {
  number(value: number): string;
  /** `HH:MM` of an epoch-ms time. */
  hhmm(ms: number): string;
}

const LOCALE: Record<AlertTextLang, string> = { vi: 'vi-VN', en: 'en-GB' };
const formatters = new Map<string, Intl.NumberFormat>();

/** A value as people read it: at most 3 significant decimals (1 from 100, 2 from 1), no trailing zeros. */
export function formatAlertNumber(value: number, lang: AlertTextLang): string {
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 1 : abs >= 1 ? 2 : 3;
  const key = `${lang}|${digits}`;
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.NumberFormat(LOCALE[lang], { maximumFractionDigits: digits })));
  // -0 after rounding (e.g. -0.0001) reads as "-0": say 0.
  const text = f.format(value);
  return /^-0([.,]0*)?$/.test(text) ? '0' : text;
}

/** `12 min`, `2 h 5 min`; `12 phút`, `2 giờ 5 phút`. */
export function formatAlertMinutes(minutes: number, lang: AlertTextLang, number = (v: number) => formatAlertNumber(v, lang)): string {
  const min = Math.round(minutes);
  const [h, mm] = lang === 'vi' ? ['giờ', 'phút'] : ['h', 'min'];
  if (min < 60) return `${number(min)} ${mm}`;
  const hours = number(Math.floor(min / 60));
  return min % 60 === 0 ? `${hours} ${h}` : `${hours} ${h} ${number(min % 60)} ${mm}`;
}

const UTC7_MS = 7 * 3_600_000;
/** Station local time is UTC+7 all year (docs/DOMAIN.md, "Time"). */
export function hhmmUtc7(ms: number): string {
  const d = new Date(ms + UTC7_MS);
  // Beyond the Date range (±8.64e15 ms) there is no clock time to show.
  return Number.isNaN(d.getTime()) ? MISSING : d.toISOString().slice(11, 16);
}

/** Shown for a parameter that is missing or not a finite number (never "undefined" or "NaN"). */
const MISSING = '–';

function parts(params: AlertParams, lang: AlertTextLang, fmt: AlertTextFormat): TextParts {
  const numberOf = (key: string): number | undefined => {
    const v = params[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  };
  const n = (key: string): string => {
    const v = numberOf(key);
    return v === undefined ? MISSING : fmt.number(v);
  };
  const s = (key: string): string => {
    const v = params[key];
    return typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? fmt.number(v) : MISSING;
  };
  const unit = typeof params.unit === 'string' ? params.unit : '';
  const minutes = (m: number | undefined): string => (m === undefined ? MISSING : formatAlertMinutes(m, lang, fmt.number));
  return {
    n,
    s,
    // pH's unit is its name, and a dimensionless value has none: the number alone.
    v: (key) => (unit === '' || unit === 'pH' || numberOf(key) === undefined ? n(key) : `${n(key)} ${unit}`),
    duration: (key) => minutes(numberOf(key)),
    interval: (key) => {
      const sec = numberOf(key);
      if (sec === undefined) return MISSING;
      return sec < 120 ? `${fmt.number(sec)} ${lang === 'vi' ? 'giây' : 's'}` : minutes(sec / 60);
    },
    hhmm: (key) => {
      const ms = numberOf(key);
      return ms === undefined ? MISSING : fmt.hhmm(ms);
    },
    has: (key) => params[key] !== undefined && params[key] !== '',
  };
}

/** The default formats of a language. */
export const alertTextFormat = (lang: AlertTextLang): AlertTextFormat => ({
  number: (v) => formatAlertNumber(v, lang),
  hhmm: hhmmUtc7,
});

/**
 * The text of an alert message code in `lang`. Parameters missing or of the wrong kind show as
 * a dash, never as "undefined"; an unknown code gives undefined (the caller falls back to the
 * stored message: a code from a newer centre, relayed here).
 */
export function renderAlertText(
  code: string,
  params: AlertParams | undefined,
  lang: AlertTextLang,
  fmt: Partial<AlertTextFormat> = {},
): string | undefined {
  if (!isAlertCode(code)) return undefined;
  const full = { ...alertTextFormat(lang), ...fmt };
  const p = parts(params ?? {}, lang, full);
  const text = ALERT_TEMPLATES[lang][code](p);
  return p.has('closed') ? `${text}${ALERT_TEMPLATES[lang].closedSuffix(p)}` : text;
}

/** The part of an alert its text is made from (an Alert, a relayed one, an old one without a code). */
export interface AlertTextSource {
  message: string;
  code?: string;
  params?: AlertParams;
}

/** An alert's message in `lang`: from its code and parameters when it has a known code, else its stored text. */
export function alertMessageIn(a: AlertTextSource, lang: AlertTextLang, fmt?: Partial<AlertTextFormat>): string {
  return (a.code !== undefined ? renderAlertText(a.code, a.params, lang, fmt) : undefined) ?? a.message;
}
