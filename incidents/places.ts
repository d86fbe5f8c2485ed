import type { Catalogue, StationKind } from '../core/index.js';

/** What the correlation rules need to know of a station's place (docs/INCIDENTS.md, "Places"). */
export interface Place {
  station: string;
  zone: string;
  province: string;
  kind: StationKind;
  /** Receiving water body and position along it, upstream first. */
  water?: { body: string; order: number };
  /** This station's side of its zone's central treatment plant. */
  plant?: 'inlet' | 'outlet';
}

export interface Places {
  of(station: string): Place | undefined;
  /** The other side of a treatment plant station, when the zone has one. */
  plantPeer(station: string): string | undefined;
}

export function placesOf(catalogue: Catalogue): Places {
  const places = new Map<string, Place>();
  const peers = new Map<string, string>();
  for (const z of catalogue.zones) {
    const { inlet, outlet } = z.treatmentPlant ?? {};
    if (inlet !== undefined && outlet !== undefined) {
      peers.set(inlet, outlet);
      peers.set(outlet, inlet);
    }
  }
  for (const s of catalogue.stations) {
    const zone = catalogue.zoneOf(s.id)!;
    const plant = zone.treatmentPlant?.inlet === s.id ? 'inlet' : zone.treatmentPlant?.outlet === s.id ? 'outlet' : undefined;
    places.set(s.id, {
      station: s.id,
      zone: zone.id,
      province: zone.province,
      kind: s.kind,
      ...(s.water ? { water: { body: s.water.body, order: s.water.order } } : {}),
      ...(plant ? { plant } : {}),
    });
  }
  return { of: (station) => places.get(station), plantPeer: (station) => peers.get(station) };
}
