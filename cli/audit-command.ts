import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cleanText, queryAuditDir, MAX_AUDIT_LIMIT, type AuditFilter, type AuditRecord } from '../audit/index.js';
import { loadConfig, QuantracError } from '../core/index.js';
import { localIso, parseLocalDay } from '../platform/index.js';
import { envWith } from './process.js';

export const AUDIT_USAGE =
  '  quantrac audit [--since 2026-12-01|24h|7d] [--until ...] [--user NAME] [--action ACTION] [--limit N] [--json] [--data-dir DIR]';

const usage = (message: string): QuantracError => new QuantracError('ERR_USAGE', `${message}\nUsage:\n${AUDIT_USAGE}`);
const AGE = /^(\d{1,6})(m|h|d)$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * A time as the operator writes it: an age back from now (90m, 24h, 7d), a local day
 * (2026-12-01: its midnight in UTC+7, docs/DOMAIN.md "Time"), or an ISO 8601 instant.
 */
export function parseAuditTime(text: string, now: number, flag: string): number {
  const age = AGE.exec(text.trim());
  if (age) return now - Number(age[1]) * UNIT_MS[age[2] as keyof typeof UNIT_MS];
  const day = parseLocalDay(text.trim());
  if (day !== undefined) return day;
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(text.trim()) ? Date.parse(text.trim()) : NaN;
  if (!Number.isFinite(ms)) throw usage(`--${flag} takes an age (90m, 24h, 7d), a day (2026-12-01, UTC+7) or an ISO time, got "${text}"`);
  return ms;
}

/** The command line's filter: --since/--until/--user/--action/--limit (default 100). */
function filterOf(values: Record<string, string | boolean | undefined>, now: number): AuditFilter {
  const filter: AuditFilter = { order: 'newest', limit: 100 };
  if (typeof values.since === 'string') filter.since = parseAuditTime(values.since, now, 'since');
  if (typeof values.until === 'string') filter.until = parseAuditTime(values.until, now, 'until');
  if (typeof values.user === 'string') filter.user = values.user;
  if (typeof values.action === 'string') filter.action = values.action;
  if (typeof values.limit === 'string') {
    const n = /^\d{1,6}$/.test(values.limit) ? Number(values.limit) : NaN;
    if (!(n >= 1 && n <= MAX_AUDIT_LIMIT)) throw usage(`--limit takes a whole number from 1 to ${MAX_AUDIT_LIMIT}, got "${values.limit}"`);
    filter.limit = n;
  }
  return filter;
}

const COLUMNS = ['TIME (UTC+7)', 'USER', 'ADDRESS', 'ACTION', 'TARGET', 'OUTCOME', 'DETAIL'];

/** One entry as table cells; text from the files is cleaned again (a file edited by hand may hold anything). */
function cells(r: AuditRecord): string[] {
  const cell = (v: string | undefined, max = 40): string => (v === undefined || v === '' ? '-' : cleanText(v, max));
  const detail = r.detail ? Object.entries(r.detail).map(([k, v]) => `${k}=${String(v)}`) : [];
  return [
    localIso(Date.parse(r.time)).slice(0, 19).replace('T', ' '),
    cell(r.user),
    cell(r.address),
    cell(r.action),
    cell(r.target),
    cell(r.outcome),
    detail.length > 0 ? cleanText(detail.join(' '), 120) : '-',
  ];
}

/** The entries as an aligned table for people. */
export function auditTable(entries: AuditRecord[]): string {
  const rows = [COLUMNS, ...entries.map(cells)];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

/**
 * `quantrac audit`: reads DATA_DIR/audit directly (the centre may run or not). Shows the newest
 * `--limit` entries (100 by default) matching the filter, oldest of them first as a log reads;
 * `--json` prints them as JSON lines, the stored shape.
 */
export async function runAuditCommand(
  args: string[],
  ctx: { dataDir: string; out(text: string): void | Promise<void>; now?: number },
): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        since: { type: 'string' },
        until: { type: 'string' },
        user: { type: 'string' },
        action: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean', default: false },
        'data-dir': { type: 'string' },
      },
    }));
  } catch (err) {
    throw usage((err as Error).message);
  }
  const filter = filterOf(values, ctx.now ?? Date.now());
  const dir = join(ctx.dataDir, 'audit');
  const { entries, skipped } = await queryAuditDir(dir, filter);
  entries.reverse();
  if (values.json) {
    for (const r of entries) await ctx.out(`${JSON.stringify(r)}\n`);
    return 0;
  }
  if (entries.length > 0) await ctx.out(auditTable(entries));
  const more = entries.length === filter.limit ? ` (the newest ${filter.limit}; --limit N for more)` : '';
  await ctx.out(
    `${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} in ${dir}${more}${skipped > 0 ? `; ${skipped} unreadable line(s) skipped` : ''}\n`,
  );
  return 0;
}

/** `quantrac audit` as a process: DATA_DIR from --data-dir or the environment. */
export async function audit(args: string[]): Promise<number> {
  const dataDir = parseArgs({ args, strict: false, options: { 'data-dir': { type: 'string' } } }).values['data-dir'];
  const config = loadConfig(envWith({ DATA_DIR: typeof dataDir === 'string' ? dataDir : undefined }));
  const write = (text: string): Promise<void> | undefined =>
    process.stdout.write(text) ? undefined : new Promise((r) => process.stdout.once('drain', () => r()));
  const code = await runAuditCommand(args, { dataDir: resolve(config.DATA_DIR), out: write });
  await new Promise<void>((r) => process.stdout.write('', () => r()));
  return code;
}
