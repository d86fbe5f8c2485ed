import type { Incident, IncidentKind } from '../core/index.js';
import type { IncidentRules } from './incident-rules.js';
import type { Place, Places } from './places.js';

/** An open incident as the matcher sees it. */
export interface OpenIncident {
  incident: Incident;
  /** Stations with a member, and the last time a member joined, escalated or was raised again. */
  stations: Set<string>;
  lastActivity: number;
}

export type Match = { join: OpenIncident; kind: IncidentKind } | { open: IncidentKind };

const PLANT_KINDS: ReadonlySet<IncidentKind> = new Set(['treatment_failure', 'treatment_overload']);

/**
 * Where a new member alert at `place` goes, by the rules in order of how much they say
 * (docs/INCIDENTS.md, "Correlation"): its own station's incident; its treatment plant's other
 * side; an incident upstream on the same water; an incident of the same zone; else an incident
 * of its own. Only incidents active within the window take members from another station.
 */
export function matchIncident(
  place: Place,
  parameter: string,
  at: number,
  open: Iterable<OpenIncident>,
  rules: IncidentRules,
  places: Places,
): Match {
  const list = [...open].sort((a, b) => a.incident.startedAt - b.incident.startedAt);
  const recent = list.filter((o) => at - o.lastActivity <= rules.windowMin * 60_000);
  const own = rules.sameStation ? list.find((o) => o.stations.has(place.station)) : undefined;
  if (own) return { join: own, kind: ownKind(own, place, parameter) };

  const peer = rules.treatmentPlant ? places.plantPeer(place.station) : undefined;
  if (peer !== undefined) {
    const withPeer = recent.find((o) => o.stations.has(peer));
    if (withPeer) return { join: withPeer, kind: 'treatment_overload' };
  }
  const water = place.water;
  if (rules.sameWater && water) {
    const upstream = recent.find(
      (o) => o.incident.water === water.body && o.incident.reach !== undefined && water.order >= o.incident.reach[0],
    );
    if (upstream) return { join: upstream, kind: PLANT_KINDS.has(upstream.incident.kind) ? upstream.incident.kind : 'river_spread' };
  }
  if (rules.sameZone) {
    const zone = recent.find((o) => [...o.stations].some((s) => places.of(s)?.zone === place.zone));
    if (zone) return { join: zone, kind: keepsKind(zone.incident.kind) ? zone.incident.kind : 'zone_cluster' };
  }
  return { open: rules.treatmentPlant && place.plant === 'outlet' && peer !== undefined ? 'treatment_failure' : 'exceedance' };
}

/** A second parameter at the station of a one-station incident makes it a multi-parameter one (a stack upset at a stack). */
function ownKind(own: OpenIncident, place: Place, parameter: string): IncidentKind {
  const kind = own.incident.kind;
  if (kind !== 'exceedance') return kind;
  const another = own.incident.members.some((m) => m.parameter !== parameter);
  if (!another) return kind;
  return place.kind === 'stack' ? 'stack_upset' : 'multi_parameter';
}

/** Kinds that say more than "several stations of a zone", kept when a zone neighbour joins. */
const keepsKind = (kind: IncidentKind): boolean => kind === 'river_spread' || PLANT_KINDS.has(kind);
