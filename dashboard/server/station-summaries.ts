import type { Catalogue, StationSummary } from '../../core/index.js';

/** `GET /api/stations`: the catalogue as the page lays it out, with the limits in force today. */
export function stationSummaries(catalogue: Catalogue, at: Date = new Date()): StationSummary[] {
  const names = new Map(catalogue.parameters.map((p) => [p.symbol, p]));
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
