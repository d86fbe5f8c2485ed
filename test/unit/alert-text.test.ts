import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALERT_CODES,
  AlertCodeSchema,
  alertMessageIn,
  formatAlertMinutes,
  renderAlertText,
  type AlertCode,
  type AlertParams,
} from '../../core/index.js';

// Alert messages as data: every code in Vietnamese and English, numbers per language.
const T0 = Date.UTC(2025, 4, 12, 7, 20); // 14:20 in Vietnam (UTC+7)

/** Parameters every code is happy with (a COD-like series in mg/L). */
const FULL: AlertParams = {
  parameter: 'COD',
  unit: 'mg/L',
  value: 91.26,
  limit: 67.5,
  percent: 80,
  windowMin: 60,
  forecastAt: T0,
  minutes: 125,
  count: 30,
  rangeMin: 0,
  rangeMax: 500,
  intervalS: 300,
  admission: 'slowing',
};

/** English words that must never be left in a Vietnamese text (the units and MQTT excepted). */
const ENGLISH = [
  'above',
  'below',
  'limit',
  'lower',
  'near',
  'at',
  'of',
  'the',
  'mean',
  'min',
  'non',
  'compliance',
  'status',
  'values',
  'only',
  'valid',
  'window',
  'quarter',
  'hours',
  'with',
  'data',
  'forecast',
  'exceed',
  'fall',
  'now',
  'one',
  'minute',
  'changing',
  'per',
  'configured',
  'sensor',
  'fault',
  'device',
  'for',
  'flatline',
  'identical',
  'outside',
  'instrument',
  'range',
  'to',
  'transmission',
  'interrupted',
  'no',
  'expected',
  'every',
  'gateway',
  'went',
  'offline',
  'will',
  'storage',
  'backlog',
  'spool',
  'disk',
  'budget',
  'admission',
  'slowing',
  'paused',
  'resolved',
  'rule',
  'longer',
  'h',
  's',
  'undefined',
];
const words = (text: string): string[] =>
  text
    .toLowerCase()
    .split(/[^\p{L}]+/u)
    .filter(Boolean);

describe('alert texts (core/alert-text.ts)', () => {
  it('has a zod enum of exactly the codes', () => {
    expect(AlertCodeSchema.options).toEqual([...ALERT_CODES]);
    expect(AlertCodeSchema.safeParse('threshold.above').success).toBe(true);
    expect(AlertCodeSchema.safeParse('threshold.sideways').success).toBe(false);
  });

  it.each(ALERT_CODES.map((c) => [c]))('renders %s in both languages, the Vietnamese one without an English word', (code) => {
    const vi = renderAlertText(code, FULL, 'vi')!;
    const en = renderAlertText(code, FULL, 'en')!;
    expect(vi).not.toBe(en);
    expect(words(vi).filter((w) => ENGLISH.includes(w) && w !== 'mg' && w !== 'l')).toEqual([]);
    for (const text of [vi, en]) expect(text).not.toMatch(/undefined|NaN|–/);
  });

  it('writes the figures the Vietnamese way and the English way', () => {
    expect(renderAlertText('threshold.above', FULL, 'vi')).toBe('COD 91,26 mg/L vượt giới hạn 67,5 mg/L');
    expect(renderAlertText('threshold.above', FULL, 'en')).toBe('COD 91.26 mg/L above the limit 67.5 mg/L');
    const big = { ...FULL, value: 36947.7, limit: 30000 };
    expect(renderAlertText('threshold.above', big, 'vi')).toBe('COD 36.947,7 mg/L vượt giới hạn 30.000 mg/L');
    expect(renderAlertText('threshold.above', big, 'en')).toBe('COD 36,947.7 mg/L above the limit 30,000 mg/L');
    // At most 3 decimals below 1, 2 below 100, 1 above: as before, with no trailing zeros.
    expect(renderAlertText('threshold.above', { ...FULL, value: 0.12345, limit: 0.1 }, 'vi')).toBe('COD 0,123 mg/L vượt giới hạn 0,1 mg/L');
  });

  it('says the rolling average, the forecast, the silence and the fault as the regulation words them', () => {
    expect(renderAlertText('average.above', FULL, 'vi')).toMatch(
      /^Không phù hợp quy chuẩn: trung bình 60 phút của COD 91,26 mg\/L vượt giới hạn 67,5 mg\/L \(chỉ tính giá trị trạng thái 00;/,
    );
    expect(renderAlertText('trend.exceed', FULL, 'vi')).toBe(
      'Dự báo COD vượt 67,5 mg/L lúc 14:20 (UTC+7); trung bình 1 phút hiện tại 91,26 mg/L',
    );
    expect(renderAlertText('trend.exceed', FULL, 'en')).toBe(
      'COD forecast to exceed 67.5 mg/L at 14:20 (UTC+7); one-minute mean now 91.26 mg/L',
    );
    expect(renderAlertText('stale.no_data', { minutes: 12, intervalS: 300 }, 'vi')).toBe(
      'Mất truyền dữ liệu: không có dữ liệu trong 12 phút (chu kỳ 5 phút)',
    );
    expect(renderAlertText('stale.no_data', { minutes: 5, intervalS: 60 }, 'en')).toBe(
      'transmission interrupted: no data for 5 min (expected every 60 s)',
    );
    expect(renderAlertText('sensor_fault.device', FULL, 'vi')).toBe(
      'Lỗi cảm biến COD: thiết bị báo lỗi (trạng thái 02) trong 2 giờ 5 phút',
    );
    expect(renderAlertText('backlog.spool', { percent: 90, admission: 'paused' }, 'vi')).toBe(
      'Tồn đọng lưu trữ: bộ đệm trên đĩa đã dùng 90% dung lượng cho phép; đã tạm dừng tiếp nhận',
    );
    // pH's unit is its name: the number alone.
    expect(renderAlertText('threshold.below_lower', { parameter: 'pH', unit: 'pH', value: 5.99, limit: 6 }, 'vi')).toBe(
      'pH 5,99 thấp hơn giới hạn dưới 6',
    );
  });

  it('writes durations per language', () => {
    expect([formatAlertMinutes(15, 'en'), formatAlertMinutes(120, 'en'), formatAlertMinutes(125, 'en')]).toEqual([
      '15 min',
      '2 h',
      '2 h 5 min',
    ]);
    expect([formatAlertMinutes(15, 'vi'), formatAlertMinutes(120, 'vi'), formatAlertMinutes(125, 'vi')]).toEqual([
      '15 phút',
      '2 giờ',
      '2 giờ 5 phút',
    ]);
  });

  it('falls back to the stored message for an alert without a code or with a code it does not know', () => {
    expect(alertMessageIn({ message: 'COD 120 mg/L above the limit 75 mg/L' }, 'vi')).toBe('COD 120 mg/L above the limit 75 mg/L');
    expect(alertMessageIn({ message: 'from the future', code: 'threshold.sideways', params: {} }, 'vi')).toBe('from the future');
    expect(alertMessageIn({ message: 'x', code: 'stale.will' }, 'vi')).toMatch(/^Mất truyền dữ liệu/);
    expect(renderAlertText('no.such.code', {}, 'en')).toBeUndefined();
  });

  it('adds why an orphan was closed, in each language', () => {
    const params = { ...FULL, closed: 'unconfigured' };
    expect(renderAlertText('threshold.above', params, 'en')).toBe(
      'COD 91.26 mg/L above the limit 67.5 mg/L (resolved: the rule is no longer configured)',
    );
    expect(renderAlertText('threshold.above', params, 'vi')).toMatch(/\(đã đóng: quy tắc không còn trong cấu hình\)$/);
  });

  it('never renders "undefined" or "NaN", whatever the parameters (missing, wrong kind, not finite)', () => {
    const value = fc.oneof(
      fc.double(),
      fc.integer(),
      fc.constantFrom(NaN, Infinity, -Infinity, -0),
      fc.string().filter((s) => !/undefined|NaN/.test(s)),
    );
    const params = fc.dictionary(fc.constantFrom(...Object.keys(FULL), 'closed', 'other'), value);
    fc.assert(
      fc.property(fc.constantFrom<AlertCode>(...ALERT_CODES), params, fc.constantFrom('vi' as const, 'en' as const), (code, p, lang) => {
        const text = renderAlertText(code, p, lang);
        expect(text).toBeDefined();
        expect(text).not.toMatch(/undefined|NaN|Infinity/);
      }),
      { numRuns: 2_000 },
    );
  });
});
