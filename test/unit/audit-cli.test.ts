import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAuditLog, type AuditRecord } from '../../audit/index.js';
import { cliActor, gatewayChangeEntry, userChangeEntry, withCliAudit } from '../../cli/account-audit.js';
import { gateway, user } from '../../cli/account-commands.js';
import { parseAuditTime, runAuditCommand } from '../../cli/audit-command.js';
import { createLogger, QuantracError } from '../../core/index.js';

const log = createLogger({ level: 'silent' });
let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'quantrac-audit-cli-'));
  vi.stubEnv('DASHBOARD_SCRYPT_COST', '1024');
  vi.stubEnv('MQTT_AUTH_SCRYPT_COST', '1024');
});
afterEach(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await rm(root, { recursive: true, force: true });
});

const NOW = Date.parse('2026-12-10T03:00:00Z');

/** Writes entries as the centre would, each at its own time. */
async function seed(entries: Array<{ at: string; user: string; action: string; target?: string }>): Promise<void> {
  let now = 0;
  const audit = await createAuditLog({ dir: join(root, 'audit'), retentionDays: 400, log, clock: { now: () => now }, retention: false });
  for (const e of entries) {
    now = Date.parse(e.at);
    audit.record({ action: e.action, user: e.user, address: '10.0.0.5', target: e.target, outcome: 'ok', detail: { rows: 3 } });
    await audit.flush();
  }
  await audit.close();
}

async function run(args: string[]): Promise<string> {
  let text = '';
  await runAuditCommand(args, { dataDir: root, out: (t) => void (text += t), now: NOW });
  return text;
}

const stored = async (): Promise<AuditRecord[]> => {
  let text = '';
  await runAuditCommand(['--json', '--limit', '10000'], { dataDir: root, out: (t) => void (text += t), now: Date.now() });
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as AuditRecord);
};

describe('quantrac audit', () => {
  const entries = [
    { at: '2026-11-20T01:00:00Z', user: 'lan', action: 'login' },
    { at: '2026-12-01T02:00:00Z', user: 'minh', action: 'export', target: 'BN-1' },
    { at: '2026-12-09T04:00:00Z', user: 'lan', action: 'alert_ack', target: 'a-1' },
    { at: '2026-12-10T02:30:00Z', user: 'lan', action: 'logout' },
  ];

  it('filters by --since (an age or a local day) and --user, oldest of the newest first, as JSON lines with --json', async () => {
    await seed(entries);
    const json = (text: string): string[] =>
      text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => (JSON.parse(l) as AuditRecord).action);
    expect(json(await run(['--json']))).toEqual(['login', 'export', 'alert_ack', 'logout']);
    expect(json(await run(['--json', '--since', '24h']))).toEqual(['alert_ack', 'logout']);
    expect(json(await run(['--json', '--since', '7d']))).toEqual(['alert_ack', 'logout']);
    // 2026-12-01 is local midnight (UTC+7): 2026-11-30T17:00Z.
    expect(json(await run(['--json', '--since', '2026-12-01', '--until', '2026-12-09']))).toEqual(['export']);
    expect(json(await run(['--json', '--user', 'lan']))).toEqual(['login', 'alert_ack', 'logout']);
    expect(json(await run(['--json', '--user', 'lan', '--since', '2026-12-01']))).toEqual(['alert_ack', 'logout']);
    expect(json(await run(['--json', '--action', 'export']))).toEqual(['export']);
    expect(json(await run(['--json', '--limit', '2']))).toEqual(['alert_ack', 'logout']);
  });

  it('prints a table for people with local times and a count', async () => {
    await seed(entries);
    const text = await run(['--user', 'minh']);
    const [head, row, count] = text.trimEnd().split('\n');
    expect(head).toMatch(/^TIME \(UTC\+7\)\s+USER\s+ADDRESS\s+ACTION\s+TARGET\s+OUTCOME\s+DETAIL$/);
    expect(row).toMatch(/^2026-12-01 09:00:00\s+minh\s+10\.0\.0\.5\s+export\s+BN-1\s+ok\s+rows=3$/);
    expect(count).toBe(`1 entry in ${join(root, 'audit')}`);
    expect(await run(['--user', 'nobody'])).toBe(`0 entries in ${join(root, 'audit')}\n`);
  });

  it('refuses a bad --since, --limit or flag with a usage error', async () => {
    for (const args of [['--since', 'yesterday'], ['--since', '2026-02-30'], ['--limit', '0'], ['--limit', 'x'], ['--bogus']]) {
      await expect(run(args)).rejects.toMatchObject({ code: 'ERR_USAGE' });
    }
    expect(parseAuditTime('90m', NOW, 'since')).toBe(NOW - 90 * 60_000);
    expect(parseAuditTime('2026-12-10T10:00:00+07:00', NOW, 'since')).toBe(NOW);
  });

  it('reads nothing, without failing, when there is no audit directory', async () => {
    expect(await run([])).toBe(`0 entries in ${join(root, 'audit')}\n`);
  });
});

describe('audit of the account commands', () => {
  it('maps each changing subcommand to its entry, never with a secret; listings record nothing', () => {
    expect(userChangeEntry(['add', 'minh'], { role: 'operator', scope: ['province:Bắc Ninh', 'zone:Z1'] })).toEqual({
      action: 'user_add',
      target: 'minh',
      detail: { role: 'operator', scope: 'province:Bắc Ninh, zone:Z1' },
    });
    expect(userChangeEntry(['passwd', 'minh'], {})).toEqual({ action: 'user_change', target: 'minh', detail: { resetPassword: true } });
    expect(userChangeEntry(['role', 'minh', 'admin'], {})!.detail).toEqual({ role: 'admin' });
    expect(userChangeEntry(['disable', 'minh'], {})!.detail).toEqual({ disabled: true });
    expect(userChangeEntry(['scope', 'minh'], { scope: ['facility:F001'] })!.detail).toEqual({ scope: 'facility:F001' });
    expect(userChangeEntry(['list'], {})).toBeUndefined();
    expect(userChangeEntry(['scopes'], {})).toBeUndefined();
    expect(gatewayChangeEntry(['add', 'GW-1', 'S1', 'S2', 'S2'], {})).toEqual({
      action: 'gateway_add',
      target: 'GW-1',
      detail: { role: 'gateway', stations: 2 },
    });
    expect(gatewayChangeEntry(['add', 'SUB-1'], { role: 'subscriber' })!.detail).toEqual({ role: 'subscriber', stations: 0 });
    expect(gatewayChangeEntry(['rotate', 'GW-1'], {})!.detail).toEqual({ rotated: true });
    expect(gatewayChangeEntry(['enable', 'GW-1'], {})!.detail).toEqual({ disabled: false });
    expect(gatewayChangeEntry(['list'], {})).toBeUndefined();
  });

  it('quantrac user add / role / disable and gateway add / rotate record one entry each, as cli:<OS user>, with no secret', async () => {
    const printed: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((t: string | Uint8Array) => printed.push(String(t)) > 0);
    expect(await user(['add', 'minh', '--role', 'operator', '--data-dir', root])).toBe(0);
    expect(await user(['role', 'minh', 'admin', '--data-dir', root])).toBe(0);
    expect(await user(['disable', 'minh', '--data-dir', root])).toBe(0);
    expect(await user(['list', '--data-dir', root])).toBe(0);
    expect(await gateway(['add', 'GW-BN-1', 'BN-YENPHONG-F001-NT1', 'BN-YENPHONG-F002-NT1', '--data-dir', root])).toBe(0);
    expect(await gateway(['rotate', 'GW-BN-1', '--data-dir', root])).toBe(0);
    expect(await gateway(['list', '--data-dir', root])).toBe(0);
    const records = await stored();
    expect(records.map((r) => [r.action, r.target, r.outcome])).toEqual([
      ['user_add', 'minh', 'ok'],
      ['user_change', 'minh', 'ok'],
      ['user_change', 'minh', 'ok'],
      ['gateway_add', 'GW-BN-1', 'ok'],
      ['gateway_change', 'GW-BN-1', 'ok'],
    ]);
    for (const r of records) expect(r).toMatchObject({ user: cliActor(), address: 'cli' });
    expect(cliActor()).toMatch(/^cli:./);
    expect(records[0]!.detail).toEqual({ role: 'operator', scope: 'country' });
    expect(records[3]!.detail).toEqual({ role: 'gateway', stations: 2 });
    // The secrets printed once appear nowhere in the audit files.
    const secrets = [...printed.join('').matchAll(/^\s*password:?\s+(\S{12,})$/gm)].map((m) => m[1]!);
    expect(secrets).toHaveLength(3);
    const dir = join(root, 'audit');
    const files = await Promise.all((await readdir(dir)).map((n) => readFile(join(dir, n), 'utf8')));
    for (const s of secrets) expect(files.join('')).not.toContain(s);
  });

  it('a failed change is recorded as failed with its error code; a usage error is not recorded', async () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    await user(['add', 'minh', '--data-dir', root]);
    await expect(user(['add', 'minh', '--data-dir', root])).rejects.toMatchObject({ code: 'ERR_USER_EXISTS' });
    await expect(user(['add', '--data-dir', root])).rejects.toMatchObject({ code: 'ERR_USAGE' });
    const records = await stored();
    expect(records.map((r) => [r.action, r.outcome, r.detail?.error])).toEqual([
      ['user_add', 'ok', undefined],
      ['user_add', 'failed', 'ERR_USER_EXISTS'],
    ]);
  });

  it('an audit log that cannot be written warns on stderr and does not undo the change', async () => {
    await writeFile(join(root, 'audit'), 'a file where the directory should be');
    const warned: string[] = [];
    const code = await withCliAudit(
      { action: 'user_change', target: 'x' },
      { dataDir: root, retentionDays: 30, warn: (t) => warned.push(t) },
      async () => 0,
    );
    expect(code).toBe(0);
    expect(warned.join('')).toMatch(/audit log could not record this change/);
    await rm(join(root, 'audit'));
    await mkdir(join(root, 'audit'));
    await expect(
      withCliAudit({ action: 'user_change' }, { dataDir: root, retentionDays: 30, actor: 'cli:t' }, async () => {
        throw new QuantracError('ERR_NO_USER', 'no user');
      }),
    ).rejects.toThrow('no user');
    expect((await stored()).map((r) => [r.user, r.outcome])).toEqual([['cli:t', 'failed']]);
  });
});
