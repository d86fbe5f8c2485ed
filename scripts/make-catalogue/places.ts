import type { Facility, Station, WaterBody, Zone } from '../../core/catalogue-schema.js';
import { wastewaterParameters } from './instruments.js';
import { wastewaterLimits } from './regulations.js';
import type { ZoneSpec } from './sites.js';

/**
 * Where the demo's zones discharge (docs/DOMAIN.md, "Places"): the receiving water named in each
 * zone's comment in sites.ts, and an airshed per zone for its stacks. Real waters, approximate.
 */
const ZONE_WATERS: Record<string, WaterBody> = {
  YENPHONG: { id: 'CAU', name: 'Sông Cầu', kind: 'river' },
  QUANGMINH: { id: 'CALO', name: 'Sông Cà Lồ', kind: 'river' },
  DINHVU: { id: 'BACHDANG', name: 'Cửa Bạch Đằng', kind: 'sea' },
  VSIP1: { id: 'SAIGON', name: 'Sông Sài Gòn', kind: 'river' },
  NHONTRACH: { id: 'DONGNAI', name: 'Sông Đồng Nai', kind: 'river' },
  HIEPPHUOC: { id: 'SOAIRAP', name: 'Sông Soài Rạp', kind: 'river' },
  VUNGANG: { id: 'VUNGANG-SEA', name: 'Biển Vũng Áng', kind: 'sea' },
  DUNGQUAT: { id: 'DUNGQUAT-BAY', name: 'Vịnh Dung Quất', kind: 'sea' },
  HOAKHANH: { id: 'CUDE', name: 'Sông Cu Đê', kind: 'river' },
};

/** Zones with a central wastewater treatment plant monitored at its inlet and its outlet (a fictional plant each). */
const PLANTS: Record<string, { id: string; name: string; discharge: number }> = {
  YENPHONG: { id: 'XLTT1', name: 'Nhà máy XLNT tập trung KCN Yên Phong', discharge: 12_000 },
  VSIP1: { id: 'XLTT2', name: 'Nhà máy XLNT tập trung KCN VSIP I', discharge: 16_000 },
};

export interface Places {
  waters: WaterBody[];
  zones: Zone[];
  facilities: Facility[];
  stations: Station[];
}

/**
 * Adds the zones' treatment plants (facility, inlet and outlet stations at fixed places: no
 * random draw, so the other stations stay where they were) and gives every station its
 * receiving water and order, upstream first: the zone's outfalls in facility order, then the
 * plant's outlet, whose effluent is the zone's last discharge.
 */
export function withPlaces(zoneSpecs: ZoneSpec[], zones: Zone[], facilities: Facility[], stations: Station[]): Places {
  const allFacilities = [...facilities];
  const all = [...stations];
  const outZones = zones.map((z) => ({ ...z }));
  for (const spec of zoneSpecs) {
    const plant = PLANTS[spec.id];
    if (!plant) continue;
    allFacilities.push({ id: plant.id, zoneId: spec.id, name: plant.name, sector: 'wastewater treatment' });
    const params = wastewaterParameters(plant.discharge, true);
    const at = (dLat: number) => ({ lat: Math.round((spec.lat + dLat) * 1e5) / 1e5, lon: Math.round((spec.lon - 0.012) * 1e5) / 1e5 });
    const prefix = `${spec.code}-${spec.id}-${plant.id}`;
    const inlet: Station = {
      id: `${prefix}-DV`,
      facilityId: plant.id,
      name: `${plant.name} – Nước thải đầu vào`,
      kind: 'wastewater',
      ...at(0.006),
      intervalS: 60,
      parameters: params,
      // What the plant accepts from the zone's factories: taken as QCVN 40 column B.
      limits: wastewaterLimits({ column: 'B', kq: 1, discharge: plant.discharge }, params),
    };
    const outlet: Station = {
      ...inlet,
      id: `${prefix}-DR`,
      name: `${plant.name} – Nước thải đầu ra`,
      ...at(0.004),
      limits: wastewaterLimits({ column: spec.column, kq: spec.kq, discharge: plant.discharge }, params),
    };
    all.push(inlet, outlet);
    const zone = outZones.find((z) => z.id === spec.id)!;
    zone.treatmentPlant = { inlet: inlet.id, outlet: outlet.id };
  }
  const zoneOfFacility = new Map(allFacilities.map((f) => [f.id, f.zoneId]));
  const orders = new Map<string, number>();
  const placed = all.map((s) => {
    const zoneId = zoneOfFacility.get(s.facilityId)!;
    const inletOf = outZones.find((z) => z.treatmentPlant?.inlet === s.id);
    if (inletOf) return s; // the plant's inlet takes the zone's sewers, not a receiving water
    const body = s.kind === 'stack' ? `AIR-${zoneId}` : ZONE_WATERS[zoneId]!.id;
    const order = orders.get(body) ?? 0;
    orders.set(body, order + 1);
    return { ...s, water: { body, order } };
  });
  const waters: WaterBody[] = zoneSpecs.flatMap((z) => [
    ZONE_WATERS[z.id]!,
    { id: `AIR-${z.id}`, name: `Không khí KCN ${z.name}`, kind: 'airshed' as const },
  ]);
  return { waters, zones: outZones, facilities: allFacilities, stations: placed };
}
