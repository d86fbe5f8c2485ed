import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { QuantracError } from '../core/index.js';
import { listDeadLetters, parseSince } from './list-dead-letters.js';

export const DEADLETTERS_USAGE =
  '  quantrac deadletters [--since 24h|7d|2026-11-27T08:00:00+07:00] [--station ID] [--json] [--data-dir DIR]';

/**
 * `quantrac deadletters`: what the centre refused, oldest first: one line per record (time,
 * station, client, codes, counts, the payload's start), or the stored records with `--json`.
 * Reads the store's files directly: it works whether the centre runs or not. `out` may return
 * a promise: a big listing into a pipe must wait for it to drain.
 */
export async function runDeadLettersCommand(
  args: string[],
  ctx: { dataDir: string; out(text: string): void | Promise<void>; now?: number },
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      since: { type: 'string' },
      station: { type: 'string' },
      json: { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
    },
  });
  let since: number | undefined;
  if (values.since !== undefined) {
    since = parseSince(values.since, ctx.now ?? Date.now());
    if (since === undefined)
      throw new QuantracError(
        'ERR_USAGE',
        `--since takes an age (90m, 24h, 7d) or a time (2026-11-27T08:00:00+07:00), got "${values.since}"\nUsage:\n${DEADLETTERS_USAGE}`,
      );
  }
  const dir = join(ctx.dataDir, 'deadletters');
  let n = 0;
  for await (const r of listDeadLetters({ dir, since, station: values.station })) {
    n++;
    if (values.json) {
      await ctx.out(`${JSON.stringify(r)}\n`);
      continue;
    }
    const payload = r.kind === 'line' ? (r.line ?? '') : r.payload !== undefined ? r.payload : `base64:${r.payloadBase64 ?? ''}`;
    const what =
      r.kind === 'line'
        ? 'line refused by InfluxDB'
        : `accepted ${r.accepted ?? 0} rejected ${r.rejected ?? 0}${r.seq === undefined ? '' : ` seq ${r.seq}`}`;
    await ctx.out(
      `${r.receivedAt}  ${r.station ?? '-'}  ${r.clientId ?? '-'}  ${r.codes.join(',')}  ${what}  ${JSON.stringify(payload.slice(0, 120))}${payload.length > 120 ? '...' : ''}\n`,
    );
    for (const e of r.errors.slice(0, 10)) await ctx.out(`    ${e.path || '(message)'}: ${e.code}: ${e.message}\n`);
    if (r.errors.length > 10) await ctx.out(`    ... ${r.errors.length - 10} more\n`);
  }
  if (!values.json) await ctx.out(`${n} dead letter${n === 1 ? '' : 's'} in ${dir}\n`);
  return 0;
}
