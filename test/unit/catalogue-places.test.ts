import { describe, expect, it } from 'vitest';
import { parseCatalogue } from '../../core/index.js';
import { placesOf } from '../../incidents/places.js';
import { incidentsCatalogue } from '../helpers/incidents-fixture.js';

/** Receiving waters and treatment plants in the catalogue (docs/DOMAIN.md, "Places"). */
describe('catalogue places', () => {
  const file = (): Record<string, unknown> => JSON.parse(JSON.stringify(incidentsCatalogue())) as Record<string, unknown>;

  it('knows each station place: zone, province, water and order, plant side', () => {
    const places = placesOf(incidentsCatalogue());
    expect(places.of('RS-B')).toMatchObject({ zone: 'RIVERSIDE', province: 'Bắc Ninh', water: { body: 'CAU', order: 1 } });
    expect(places.of('RS-CETP-OUT')?.plant).toBe('outlet');
    expect(places.plantPeer('RS-CETP-OUT')).toBe('RS-CETP-IN');
    expect(places.plantPeer('RS-A')).toBeUndefined();
  });

  it('refuses a station on an unknown water body', () => {
    const raw = file() as { stations: { water?: unknown }[] };
    raw.stations[0]!.water = { body: 'NOWHERE', order: 0 };
    expect(() => parseCatalogue(raw)).toThrow(/unknown water body "NOWHERE"/);
  });

  it('refuses a treatment plant station of another zone', () => {
    const raw = file() as { zones: { treatmentPlant?: unknown }[] };
    raw.zones[1]!.treatmentPlant = { inlet: 'RS-A' };
    expect(() => parseCatalogue(raw)).toThrow(/treatmentPlant.inlet.*not a station of zone DOWNTOWN/);
  });
});
