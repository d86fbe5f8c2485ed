import { readFile, stat } from 'node:fs/promises';
import { relative, resolve, isAbsolute } from 'node:path';
import { z } from 'zod';
import { AlertEventTypeSchema, AlertRuleSchema, ConfigError, SeveritySchema, type Catalogue } from '../../core/index.js';

const WebhookSchema = z
  .object({
    url: z.url({ protocol: /^https?$/ }),
    /** Only in a file under DATA_DIR: secrets never live in seeds/ (use ALERTS_WEBHOOK_SECRET otherwise). */
    secret: z.string().min(16).optional(),
    timeoutMs: z.number().int().positive().default(10_000),
  })
  .strict();

const RouteSchema = z
  .object({
    /** On-call people. */
    email: z.array(z.email()).default([]),
    /** Names of entries of `webhooks`. */
    webhooks: z.array(z.string()).default([]),
    /**
     * The language of this route's e-mails and webhook texts. English unless told, so that a
     * routing file written before languages existed keeps the texts its readers filter on.
     */
    lang: z.enum(['vi', 'en']).default('en'),
  })
  .strict();

const RoutingRuleSchema = z
  .object({
    /** Zone ids; omitted: every zone (and the centre-wide backlog alert). */
    zones: z.array(z.string()).optional(),
    /** The least severity this rule takes. */
    minSeverity: SeveritySchema.default('warning'),
    route: z.string(),
    /** A second route, told when the alert is still unacknowledged after `escalateAfterMin`. */
    escalateTo: z.string().optional(),
  })
  .strict();

/** The notification routing file (`seeds/notify.json`, or `DATA_DIR/notify.json` when present). */
export const NotifyFileSchema = z
  .object({
    version: z.literal(1),
    description: z.string().optional(),
    /** Reminders for unacknowledged critical alerts, every N minutes. */
    reminderEveryMin: z.number().positive().default(30),
    /** Escalation to the second route when unacknowledged after M minutes. */
    escalateAfterMin: z.number().positive().default(15),
    /** Which events reach people (e-mail, webhooks); MQTT and the dashboard get every event. */
    events: z.array(AlertEventTypeSchema).default(['raised', 'escalated', 'flapping', 'reminder', 'acknowledged', 'resolved']),
    delivery: z
      .object({
        attempts: z.number().int().min(1).max(20).default(5),
        backoffMs: z.number().int().positive().default(2_000),
        maxBackoffMs: z.number().int().positive().default(300_000),
        /** Deliveries waiting or retrying at once; beyond this a delivery goes straight to the dead letters. */
        maxInFlight: z.number().int().positive().default(1_000),
      })
      .strict()
      .default({ attempts: 5, backoffMs: 2_000, maxBackoffMs: 300_000, maxInFlight: 1_000 }),
    email: z
      .object({ subjectPrefix: z.string().default('[quantrac]') })
      .strict()
      .default({ subjectPrefix: '[quantrac]' }),
    webhooks: z.record(z.string(), WebhookSchema).default({}),
    /**
     * Alert rules told as incidents (docs/INCIDENTS.md): their alerts send nothing on their own;
     * the incident they belong to sends one message when it opens, escalates and closes.
     */
    incidentRules: z.array(AlertRuleSchema).default([]),
    routes: z.record(z.string(), RouteSchema).default({}),
    routing: z.array(RoutingRuleSchema).default([]),
  })
  .strict();
export type NotifyConfig = z.infer<typeof NotifyFileSchema>;

/** Parses and cross-checks a routing file; errors name the bad entry. */
export function parseNotifyConfig(raw: unknown, catalogue?: Catalogue, where = 'notify'): NotifyConfig {
  const parsed = NotifyFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${where}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const c = parsed.data;
  for (const [name, route] of Object.entries(c.routes)) {
    route.webhooks.forEach((w, i) => {
      if (!c.webhooks[w]) throw new ConfigError(`${where}: routes.${name}.webhooks[${i}]: unknown webhook "${w}"`);
    });
  }
  c.routing.forEach((r, i) => {
    if (!c.routes[r.route]) throw new ConfigError(`${where}: routing[${i}].route: unknown route "${r.route}"`);
    if (r.escalateTo !== undefined && !c.routes[r.escalateTo])
      throw new ConfigError(`${where}: routing[${i}].escalateTo: unknown route "${r.escalateTo}"`);
    r.zones?.forEach((z, j) => {
      if (catalogue && z !== 'centre' && !catalogue.zones.some((x) => x.id === z))
        throw new ConfigError(`${where}: routing[${i}].zones[${j}]: unknown zone "${z}"`);
    });
  });
  return c;
}

/**
 * Reads the routing file. A webhook secret is accepted only from a file under DATA_DIR (the
 * operator's own files), never from the repository's seeds.
 */
export async function loadNotifyConfig(path: string, options: { dataDir: string; catalogue?: Catalogue }): Promise<NotifyConfig> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`notify: cannot read ${path}: ${(err as Error).message}`);
  }
  const config = parseNotifyConfig(raw, options.catalogue, `notify (${path})`);
  const rel = relative(resolve(options.dataDir), resolve(path));
  const underDataDir = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  const withSecret = Object.entries(config.webhooks).find(([, w]) => w.secret !== undefined)?.[0];
  if (withSecret !== undefined && !underDataDir) {
    throw new ConfigError(
      `notify (${path}): webhooks.${withSecret}.secret: secrets belong in DATA_DIR or the environment (ALERTS_WEBHOOK_SECRET), not in ${path}`,
    );
  }
  if (withSecret !== undefined) {
    // Like ssh with a private key: a secret others may read is refused, with the fix.
    const { mode } = await stat(path);
    if ((mode & 0o077) !== 0)
      throw new ConfigError(
        `notify (${path}): holds webhook secrets but is readable by others (mode ${(mode & 0o777).toString(8)}): run chmod 600 ${path}`,
      );
  }
  return config;
}

export const EMPTY_NOTIFY_CONFIG: NotifyConfig = NotifyFileSchema.parse({ version: 1 });
