import { parseCatalogue, type Alert, type AlertEvent, type AlertRule, type Catalogue, type Severity } from '../../core/index.js';

/**
 * A small catalogue for the correlation rules: zone RIVERSIDE (Bắc Ninh) with three outfalls on
 * the Cầu river at orders 0, 1, 2, a stack, and a central treatment plant (inlet, outlet); zone
 * DOWNTOWN (Bắc Giang) with an outfall further down the Cầu (order 5); zone FARAWAY (Đồng Nai) on
 * another river.
 */
export function incidentsCatalogue(): Catalogue {
  const ww = (id: string, facilityId: string, water?: { body: string; order: number }) => ({
    id,
    facilityId,
    name: id,
    kind: 'wastewater',
    lat: 21.2,
    lon: 106,
    intervalS: 60,
    ...(water ? { water } : {}),
    parameters: ['COD', 'TSS', 'NH4'].map((p) => ({ parameter: p, unit: 'mg/L' })),
    limits: [],
  });
  return parseCatalogue({
    version: 1,
    parameters: [
      { symbol: 'COD', name: 'COD', nameVi: 'COD', units: ['mg/L'] },
      { symbol: 'TSS', name: 'TSS', nameVi: 'TSS', units: ['mg/L'] },
      { symbol: 'NH4', name: 'NH4', nameVi: 'NH4', units: ['mg/L'] },
      { symbol: 'CO', name: 'CO', nameVi: 'CO', units: ['mg/Nm3'] },
      { symbol: 'O2', name: 'O2', nameVi: 'O2', units: ['%'] },
    ],
    waters: [
      { id: 'CAU', name: 'Sông Cầu', kind: 'river' },
      { id: 'DONGNAI', name: 'Sông Đồng Nai', kind: 'river' },
      { id: 'AIR-RS', name: 'Riverside airshed', kind: 'airshed' },
    ],
    zones: [
      {
        id: 'RIVERSIDE',
        name: 'Riverside',
        province: 'Bắc Ninh',
        lat: 21.2,
        lon: 106,
        treatmentPlant: { inlet: 'RS-CETP-IN', outlet: 'RS-CETP-OUT' },
      },
      { id: 'DOWNTOWN', name: 'Downtown', province: 'Bắc Giang', lat: 21.3, lon: 106.2 },
      { id: 'FARAWAY', name: 'Faraway', province: 'Đồng Nai', lat: 10.7, lon: 106.9 },
    ],
    facilities: [
      { id: 'F1', zoneId: 'RIVERSIDE', name: 'One', sector: 'textiles' },
      { id: 'CETP', zoneId: 'RIVERSIDE', name: 'Central plant', sector: 'treatment' },
      { id: 'F2', zoneId: 'DOWNTOWN', name: 'Two', sector: 'food' },
      { id: 'F3', zoneId: 'FARAWAY', name: 'Three', sector: 'paper' },
    ],
    stations: [
      ww('RS-A', 'F1', { body: 'CAU', order: 0 }),
      ww('RS-B', 'F1', { body: 'CAU', order: 1 }),
      ww('RS-C', 'F1', { body: 'CAU', order: 2 }),
      ww('RS-D', 'F1'),
      ww('RS-CETP-IN', 'CETP'),
      ww('RS-CETP-OUT', 'CETP', { body: 'CAU', order: 1 }),
      ww('DT-A', 'F2', { body: 'CAU', order: 5 }),
      ww('FA-A', 'F3', { body: 'DONGNAI', order: 0 }),
      {
        id: 'RS-STACK',
        facilityId: 'F1',
        name: 'stack',
        kind: 'stack',
        lat: 21.2,
        lon: 106,
        intervalS: 60,
        water: { body: 'AIR-RS', order: 0 },
        parameters: [
          { parameter: 'CO', unit: 'mg/Nm3' },
          { parameter: 'O2', unit: '%' },
        ],
        limits: [],
      },
    ],
  });
}

export const MIN = 60_000;

/** An alert event as the alerts engine sends it. */
export function alertEvent(
  type: AlertEvent['type'],
  at: number,
  station: string,
  parameter: string,
  o: { severity?: Severity; rule?: AlertRule; forecastAt?: number; limit?: number } = {},
): AlertEvent {
  const rule = o.rule ?? 'threshold';
  const alert: Alert = {
    id: `${station}|${parameter}|${rule}`,
    station,
    zone: '',
    parameter,
    rule,
    severity: o.severity ?? 'warning',
    state: type === 'resolved' ? 'resolved' : 'firing',
    message: `${parameter} at ${station}`,
    since: at,
    updatedAt: at,
    ...(o.forecastAt !== undefined ? { forecastAt: o.forecastAt } : {}),
    ...(o.limit !== undefined ? { limit: o.limit, unit: 'mg/L' } : {}),
  };
  return { type, at, alert };
}
