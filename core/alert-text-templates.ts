import type { AlertCode } from './alert-codes.js';

/**
 * What a template reads of the parameters, already written for its language: `n` a number,
 * `v` a number with the alert's unit, `s` a text, `duration` minutes, `interval` seconds, `hhmm`
 * an epoch-ms time as a clock time (UTC+7); `has` whether a parameter is there.
 */
export interface TextParts {
  n(key: string): string;
  v(key: string): string;
  s(key: string): string;
  duration(key: string): string;
  interval(key: string): string;
  hhmm(key: string): string;
  has(key: string): boolean;
}

type Template = (p: TextParts) => string;
type Templates = Record<AlertCode, Template> & {
  /** Appended when the alert was closed because its rule is gone from the configuration (`closed`). */
  closedSuffix: Template;
};

const AVG_EN = '(status-00 values only; valid window: at least 3 of 4 quarter-hours with data)';
const ADMISSION_EN: Record<string, string> = { slowing: 'slowing', paused: 'paused' };

/**
 * English: the wording the alerts have always had (`message` keeps it, for MQTT subscribers
 * and stored history), so it starts lower-case after a rule name as before.
 */
const EN: Templates = {
  'threshold.above': (p) => `${p.s('parameter')} ${p.v('value')} above the limit ${p.v('limit')}`,
  'threshold.approaching': (p) => `${p.s('parameter')} ${p.v('value')} at ${p.n('percent')}% of the limit ${p.v('limit')}`,
  'threshold.below_lower': (p) => `${p.s('parameter')} ${p.v('value')} below the lower limit ${p.v('limit')}`,
  'threshold.near_lower': (p) => `${p.s('parameter')} ${p.v('value')} near the lower limit ${p.v('limit')}`,
  'average.above': (p) =>
    `non-compliance: ${p.n('windowMin')}-min mean of ${p.s('parameter')} ${p.v('value')} above the limit ${p.v('limit')} ${AVG_EN}`,
  'average.below_lower': (p) =>
    `non-compliance: ${p.n('windowMin')}-min mean of ${p.s('parameter')} ${p.v('value')} below the lower limit ${p.v('limit')} ${AVG_EN}`,
  'trend.exceed': (p) =>
    `${p.s('parameter')} forecast to exceed ${p.v('limit')} at ${p.hhmm('forecastAt')} (UTC+7); one-minute mean now ${p.v('value')}`,
  'trend.fall_below': (p) =>
    `${p.s('parameter')} forecast to fall below ${p.v('limit')} at ${p.hhmm('forecastAt')} (UTC+7); one-minute mean now ${p.v('value')}`,
  'rate.above': (p) => `${p.s('parameter')} changing at ${p.v('value')} per min, above the configured ${p.v('limit')} per min`,
  'sensor_fault.device': (p) => `${p.s('parameter')} sensor fault: device fault (status 02) for ${p.duration('minutes')}`,
  'sensor_fault.flatline': (p) => `${p.s('parameter')} sensor fault: flatline: ${p.n('count')} identical values (${p.v('value')})`,
  'sensor_fault.out_of_range': (p) =>
    `${p.s('parameter')} sensor fault: ${p.v('value')} outside the instrument's range ${p.n('rangeMin')} to ${p.n('rangeMax')}`,
  'stale.no_data': (p) => `transmission interrupted: no data for ${p.duration('minutes')} (expected every ${p.interval('intervalS')})`,
  'stale.will': () => 'transmission interrupted: the gateway went offline (MQTT will)',
  'backlog.spool': (p) =>
    `storage backlog: spool at ${p.n('percent')}% of its disk budget${p.has('admission') ? `; admission ${ADMISSION_EN[p.s('admission')] ?? p.s('admission')}` : ''}`,
  closedSuffix: () => ' (resolved: the rule is no longer configured)',
};

const AVG_VI = '(chỉ tính giá trị trạng thái 00; cửa sổ hợp lệ: ít nhất 3 trong 4 khoảng 15 phút có dữ liệu)';
const ADMISSION_VI: Record<string, string> = { slowing: 'đang giảm tốc độ tiếp nhận', paused: 'đã tạm dừng tiếp nhận' };

/** Vietnamese: the inspectors' language, in the words of the monitoring regulations (QCVN). */
const VI: Templates = {
  'threshold.above': (p) => `${p.s('parameter')} ${p.v('value')} vượt giới hạn ${p.v('limit')}`,
  'threshold.approaching': (p) => `${p.s('parameter')} ${p.v('value')} đạt ${p.n('percent')}% giới hạn ${p.v('limit')}`,
  'threshold.below_lower': (p) => `${p.s('parameter')} ${p.v('value')} thấp hơn giới hạn dưới ${p.v('limit')}`,
  'threshold.near_lower': (p) => `${p.s('parameter')} ${p.v('value')} gần chạm giới hạn dưới ${p.v('limit')}`,
  'average.above': (p) =>
    `Không phù hợp quy chuẩn: trung bình ${p.n('windowMin')} phút của ${p.s('parameter')} ${p.v('value')} vượt giới hạn ${p.v('limit')} ${AVG_VI}`,
  'average.below_lower': (p) =>
    `Không phù hợp quy chuẩn: trung bình ${p.n('windowMin')} phút của ${p.s('parameter')} ${p.v('value')} thấp hơn giới hạn dưới ${p.v('limit')} ${AVG_VI}`,
  'trend.exceed': (p) =>
    `Dự báo ${p.s('parameter')} vượt ${p.v('limit')} lúc ${p.hhmm('forecastAt')} (UTC+7); trung bình 1 phút hiện tại ${p.v('value')}`,
  'trend.fall_below': (p) =>
    `Dự báo ${p.s('parameter')} giảm xuống dưới ${p.v('limit')} lúc ${p.hhmm('forecastAt')} (UTC+7); trung bình 1 phút hiện tại ${p.v('value')}`,
  'rate.above': (p) => `${p.s('parameter')} thay đổi ${p.v('value')} mỗi phút, vượt mức cấu hình ${p.v('limit')} mỗi phút`,
  'sensor_fault.device': (p) => `Lỗi cảm biến ${p.s('parameter')}: thiết bị báo lỗi (trạng thái 02) trong ${p.duration('minutes')}`,
  'sensor_fault.flatline': (p) => `Lỗi cảm biến ${p.s('parameter')}: ${p.n('count')} giá trị giống hệt nhau liên tiếp (${p.v('value')})`,
  'sensor_fault.out_of_range': (p) =>
    `Lỗi cảm biến ${p.s('parameter')}: ${p.v('value')} nằm ngoài dải đo của thiết bị (từ ${p.n('rangeMin')} đến ${p.n('rangeMax')})`,
  'stale.no_data': (p) => `Mất truyền dữ liệu: không có dữ liệu trong ${p.duration('minutes')} (chu kỳ ${p.interval('intervalS')})`,
  'stale.will': () => 'Mất truyền dữ liệu: thiết bị truyền đã mất kết nối (MQTT báo ngoại tuyến)',
  'backlog.spool': (p) =>
    `Tồn đọng lưu trữ: bộ đệm trên đĩa đã dùng ${p.n('percent')}% dung lượng cho phép${p.has('admission') ? `; ${ADMISSION_VI[p.s('admission')] ?? p.s('admission')}` : ''}`,
  closedSuffix: () => ' (đã đóng: quy tắc không còn trong cấu hình)',
};

export const ALERT_TEMPLATES: Record<'vi' | 'en', Templates> = { en: EN, vi: VI };
