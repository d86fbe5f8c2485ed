import type { AlertTextLang } from './alert-text.js';
import type { Incident, IncidentCause, IncidentEventType, IncidentKind, IncidentState } from './incident.js';

/**
 * The words of incidents in both languages, for notifications and the page alike (pure, no
 * dependency: the web page imports this file). docs/INCIDENTS.md.
 */
export interface IncidentWords {
  kind: Record<IncidentKind, string>;
  state: Record<IncidentState, string>;
  cause: Record<IncidentCause, string>;
  event: Record<IncidentEventType, string>;
  severity: Record<Incident['severity'], string>;
  incident: string;
  stations(n: number): string;
  since: string;
  forecast(parameter: string, station: string, at: string): string;
}

const VI: IncidentWords = {
  kind: {
    exceedance: 'Vượt giới hạn',
    multi_parameter: 'Nhiều thông số cùng vượt',
    stack_upset: 'Sự cố lò đốt',
    zone_cluster: 'Nhiều trạm trong khu công nghiệp',
    river_spread: 'Lan truyền theo dòng sông',
    treatment_failure: 'Sự cố nhà máy xử lý nước thải',
    treatment_overload: 'Quá tải nhà máy xử lý nước thải',
  },
  state: { open: 'Đang mở', acknowledged: 'Đã tiếp nhận', investigating: 'Đang điều tra', closed: 'Đã đóng' },
  cause: {
    spill: 'Sự cố tràn đổ',
    treatment_failure: 'Hỏng hệ thống xử lý',
    bypass: 'Xả thải lén (bypass)',
    instrument_fault: 'Lỗi thiết bị đo',
    other: 'Khác',
  },
  event: {
    opened: 'mở sự cố',
    updated: 'cập nhật',
    escalated: 'nâng lên nghiêm trọng',
    acknowledged: 'đã tiếp nhận',
    investigating: 'đang điều tra',
    closed: 'đóng sự cố',
  },
  severity: { warning: 'Cần chú ý', critical: 'Nghiêm trọng' },
  incident: 'Sự cố',
  stations: (n) => `${n} trạm`,
  since: 'từ',
  forecast: (p, s, at) => `Dự báo: ${p} tại ${s} vượt giới hạn lúc ${at}`,
};

const EN: IncidentWords = {
  kind: {
    exceedance: 'Exceedance',
    multi_parameter: 'Several parameters at one outfall',
    stack_upset: 'Stack upset',
    zone_cluster: 'Several stations of one zone',
    river_spread: 'Spreading down a river',
    treatment_failure: 'Treatment plant failure',
    treatment_overload: 'Treatment plant overload',
  },
  state: { open: 'Open', acknowledged: 'Acknowledged', investigating: 'Investigating', closed: 'Closed' },
  cause: { spill: 'Spill', treatment_failure: 'Treatment failure', bypass: 'Bypass', instrument_fault: 'Instrument fault', other: 'Other' },
  event: {
    opened: 'opened',
    updated: 'updated',
    escalated: 'escalated to critical',
    acknowledged: 'acknowledged',
    investigating: 'under investigation',
    closed: 'closed',
  },
  severity: { warning: 'Warning', critical: 'Critical' },
  incident: 'Incident',
  stations: (n) => `${n} station${n === 1 ? '' : 's'}`,
  since: 'since',
  forecast: (p, s, at) => `Forecast: ${p} at ${s} over its limit at ${at}`,
};

export const INCIDENT_WORDS: Readonly<Record<AlertTextLang, IncidentWords>> = { vi: VI, en: EN };

/** Distinct stations of an incident's members. */
export const incidentStations = (i: Pick<Incident, 'members'>): string[] => [...new Set(i.members.map((m) => m.station))];

/**
 * One line naming an incident: kind, place (zone, water) and spread, e.g. "Lan truyền theo dòng
 * sông — Sông Cầu, Yên Phong (Bắc Ninh) — 3 trạm". `names` gives the catalogue's names of the
 * zone and the water (ids otherwise).
 */
export function incidentTitle(i: Incident, lang: AlertTextLang, names: { zone?: string; water?: string } = {}): string {
  const W = INCIDENT_WORDS[lang];
  const place = [
    i.water !== undefined ? (names.water ?? i.water) : undefined,
    `${names.zone ?? i.zone}${i.province ? ` (${i.province})` : ''}`,
  ]
    .filter((x) => x !== undefined)
    .join(', ');
  return `${W.kind[i.kind]} — ${place} — ${W.stations(incidentStations(i).length)}`;
}
