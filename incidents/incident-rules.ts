import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { AlertRuleSchema, ConfigError } from '../core/index.js';

/**
 * How open alerts are grouped into incidents (docs/INCIDENTS.md): `seeds/incidents.json`, or
 * `DATA_DIR/incidents.json` when present. Every field has a default, so `{ "version": 1 }` is a
 * complete file.
 */
export const IncidentRulesSchema = z
  .object({
    version: z.literal(1),
    description: z.string().optional(),
    /** A station, zone, water or plant joins an open incident only if the incident saw a member event this recently. */
    windowMin: z.number().positive().default(30),
    /** An incident whose members have all resolved closes after this long without a new member. */
    closeAfterMin: z.number().min(0).default(15),
    /** Distinct stations that make an incident critical whatever its members' severities. */
    criticalAtStations: z.number().int().min(2).default(3),
    /** Each correlation rule can be turned off; an alert no rule groups is an incident of its own. */
    sameStation: z.boolean().default(true),
    sameZone: z.boolean().default(true),
    sameWater: z.boolean().default(true),
    treatmentPlant: z.boolean().default(true),
    /**
     * Alert rules that never make or join an incident: a sensor fault, silence or storage backlog
     * says nothing about the environment (an instrument fault must not look like a spill).
     */
    excludeRules: z.array(AlertRuleSchema).default(['sensor_fault', 'stale', 'backlog']),
    /** Timeline entries kept per incident (the first is always kept). */
    maxTimeline: z.number().int().min(10).max(10_000).default(500),
  })
  .strict();
export type IncidentRules = z.infer<typeof IncidentRulesSchema>;

export const DEFAULT_INCIDENT_RULES: IncidentRules = IncidentRulesSchema.parse({ version: 1 });

export function parseIncidentRules(raw: unknown, where = 'incident rules'): IncidentRules {
  const parsed = IncidentRulesSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${where}: ${issue.path.join('.') || '(file)'}: ${issue.message}`);
  }
  return parsed.data;
}

export async function loadIncidentRules(path: string): Promise<IncidentRules> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`incident rules ${path}: ${(err as Error).message}`);
  }
  return parseIncidentRules(raw, path);
}
