import type { Catalogue, Station, Zone } from '../core/index.js';

/** What names a station wherever the reports show it: its id, name, kind, facility and zone. */
export interface StationHeading {
  id: string;
  name: string;
  kind: Station['kind'];
  facility: string;
  zoneId: string;
}

/**
 * The heading shared by the reports (`ReportStation`) and the open-data station list: one
 * place decides what a missing facility or zone shows (an empty string).
 */
export function stationHeading(
  catalogue: Catalogue,
  station: Station,
  zone: Zone | undefined = catalogue.zoneOf(station.id),
): StationHeading {
  return {
    id: station.id,
    name: station.name,
    kind: station.kind,
    facility: catalogue.facility(station.facilityId)?.name ?? '',
    zoneId: zone?.id ?? '',
  };
}
