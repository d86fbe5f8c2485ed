import type { Catalogue, StationSummary } from '../../core/index.js';
import { systemClock, type Clock } from '../../platform/index.js';

/** `GET /api/stations`: the catalogue as the page lays it out, with the limits in force today. */
export function stationSummaries(catalogue: Catalogue, at: Date = new Date()): StationSummary[] {
  const names = new Map(catalogue.parameters.map((p) => [p.symbol, p]));
  const waters = new Map((catalogue.waters ?? []).map((w) => [w.id, w.name]));
  return catalogue.stations.map((s) => {
    const zone = catalogue.zoneOf(s.id)!;
    return {
      id: s.id,
      name: s.name,
      kind: s.kind,
      zoneId: zone.id,
      zoneName: zone.name,
      province: zone.province,
      facilityName: catalogue.facility(s.facilityId)?.name ?? '',
      lat: s.lat,
      lon: s.lon,
      intervalS: s.intervalS,
      ...(s.water ? { water: { ...s.water, name: waters.get(s.water.body) ?? s.water.body } } : {}),
      parameters: s.parameters.map((p) => {
        const limit = catalogue.limitAt(s.id, p.parameter, at);
        const def = names.get(p.parameter);
        return {
          parameter: p.parameter,
          unit: p.unit,
          ...(def ? { name: def.name, nameVi: def.nameVi } : {}),
          ...(limit ? { max: limit.max, regulation: `${limit.regulation} ${limit.column}` } : {}),
          ...(limit?.lower !== undefined ? { min: limit.lower } : {}),
        };
      }),
    };
  });
}

/**
 * The summaries, recomputed when the UTC day changes: limits change on their effective dates,
 * which `Catalogue.limitAt` compares by UTC calendar day. The array is kept and refilled in place.
 */
export function dailyStationSummaries(catalogue: Catalogue, clock: Clock = systemClock): () => StationSummary[] {
  const utcDay = (): string => new Date(clock.now()).toISOString().slice(0, 10);
  let day = utcDay();
  const summaries = stationSummaries(catalogue, new Date(clock.now()));
  return () => {
    const today = utcDay();
    if (today !== day) {
      day = today;
      summaries.splice(0, summaries.length, ...stationSummaries(catalogue, new Date(clock.now())));
    }
    return summaries;
  };
}
