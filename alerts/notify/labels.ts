import type { AlertEvent, AlertRule, AlertState, AlertTextLang, Severity } from '../../core/index.js';

/** The words of a notification in one language (the route's `lang`). */
export interface NotifyLabels {
  /** What each event is called. */
  event: Record<AlertEvent['type'], string>;
  /** The escalation's reason, from how long the alert went unacknowledged (already written). */
  unacknowledgedFor(duration: string): string;
  severity: Record<Severity, string>;
  state: Record<AlertState, string>;
  rule: Record<AlertRule, string>;
  /** E-mail field names, in order: event, station, parameter, rule, severity, state, since, at. */
  fields: readonly [string, string, string, string, string, string, string, string];
  zone(zone: string): string;
  by(user: string): string;
  footer: string;
  alertId: string;
}

const EN: NotifyLabels = {
  event: {
    raised: 'raised',
    escalated: 'escalated to critical',
    acknowledged: 'acknowledged',
    resolved: 'resolved',
    silenced: 'silenced',
    flapping: 'flapping (further notifications held)',
    reminder: 'reminder: still unacknowledged',
  },
  unacknowledgedFor: (d) => `unacknowledged for ${d}`,
  severity: { warning: 'warning', critical: 'critical' },
  state: { pending: 'pending', firing: 'firing', acknowledged: 'acknowledged', resolved: 'resolved' },
  rule: {
    threshold: 'threshold',
    average: 'average',
    trend: 'trend',
    rate: 'rate',
    stale: 'stale',
    sensor_fault: 'sensor_fault',
    backlog: 'backlog',
  },
  fields: ['Event', 'Station', 'Parameter', 'Rule', 'Severity', 'State', 'Since', 'At'],
  zone: (z) => `zone ${z}`,
  by: (u) => `by ${u}`,
  footer: 'Acknowledge it on the quantrac dashboard to stop reminders and escalation.',
  alertId: 'Alert id',
};

// The words of the dashboard's Vietnamese page (dashboard/web/src/i18n/alerts.ts), so that an
// e-mail and the page name a rule or a state alike.
const VI: NotifyLabels = {
  event: {
    raised: 'phát sinh',
    escalated: 'nâng lên mức nghiêm trọng',
    acknowledged: 'đã được xác nhận',
    resolved: 'đã hết',
    silenced: 'tạm tắt thông báo',
    flapping: 'dao động liên tục (tạm giữ các thông báo tiếp theo)',
    reminder: 'nhắc lại: vẫn chưa được xác nhận',
  },
  unacknowledgedFor: (d) => `chưa được xác nhận sau ${d}`,
  severity: { warning: 'cảnh báo', critical: 'nghiêm trọng' },
  state: { pending: 'chờ', firing: 'đang báo', acknowledged: 'đã xác nhận', resolved: 'đã hết' },
  rule: {
    threshold: 'vượt ngưỡng tức thời',
    average: 'trung bình trượt vượt giới hạn',
    trend: 'dự báo xu hướng',
    rate: 'thay đổi đột ngột',
    stale: 'mất truyền số liệu',
    sensor_fault: 'lỗi cảm biến',
    backlog: 'tồn đọng lưu trữ',
  },
  fields: ['Sự kiện', 'Trạm', 'Thông số', 'Quy tắc', 'Mức', 'Tình trạng', 'Từ lúc', 'Thời điểm'],
  zone: (z) => `khu ${z}`,
  by: (u) => `bởi ${u}`,
  footer: 'Hãy xác nhận cảnh báo trên bảng điều khiển quantrac để dừng nhắc lại và chuyển cấp.',
  alertId: 'Mã cảnh báo',
};

export const NOTIFY_LABELS: Record<AlertTextLang, NotifyLabels> = { en: EN, vi: VI };
