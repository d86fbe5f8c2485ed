import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Subscription } from 'rxjs';
import type { Reading } from '../../core/index.js';
import { runCli, type CliProcess } from '../helpers/cli-process.js';
import { startTestCentre, type TestCentre } from '../helpers/centre.js';

const A = 'BN-YENPHONG-F001-NT1';
const B = 'BN-YENPHONG-F002-NT1';

describe('quantrac simulate', () => {
  let centre: TestCentre | undefined;
  let proc: CliProcess | undefined;
  let dir: string | undefined;
  const subs: Subscription[] = [];
  afterEach(async () => {
    for (const s of subs.splice(0)) s.unsubscribe();
    if (proc && proc.child.exitCode === null && proc.child.signalCode === null) {
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
    await centre?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('keeps --rate in real time, plays --scenario-file and --scenario, logs in as one gateway for its stations', async () => {
    centre = await startTestCentre(inject('influxUrl'));
    const login = centre.broker.provision({ id: 'SIM-GW-1', stations: [A, B] });
    dir = await mkdtemp(join(tmpdir(), 'qt-sim-cli-'));
    const file = join(dir, 'scenario.json');
    // The file's rate (2/s) is overridden by --rate 5.
    await writeFile(file, JSON.stringify({ rate: 2, scenarios: [{ name: 'exceedance', station: B, parameter: 'COD' }] }));
    const readings: Reading[] = [];
    const codes: string[] = [];
    subs.push(centre.ingest.readings$.subscribe((r) => readings.push(r)));
    subs.push(centre.ingest.rejections$.subscribe((e) => codes.push(...e.notice.errors.map((x) => `${e.stationId}:${x.code}`))));

    proc = runCli(
      [
        'simulate',
        '--url',
        centre.mqttUrl,
        '--stations',
        `${A},${B}`,
        '--rate',
        '5',
        '--duration-s',
        '4',
        '--seed',
        '9',
        '--scenario-file',
        file,
        '--scenario',
        `malformed:${A}:*:kinds=unit_mismatch,everyN=4`,
        '--username',
        'SIM-GW-1',
      ],
      { QUANTRAC_GATEWAY_SECRET: login.password, LOG_LEVEL: 'warn' },
    );
    expect(await proc.exited).toBe(0);
    const out = proc.stdout();
    expect(out).toMatch(/at 5 messages\/s each/);
    expect(out).toMatch(/scenario exceedance:BN-YENPHONG-F002-NT1:COD from 0 s/);
    expect(out).toMatch(/scenario malformed:BN-YENPHONG-F001-NT1 from 0 s/);
    const [, sent, acked] = out.match(/sent (\d+) messages, (\d+) acknowledged/)!;
    expect(Number(acked)).toBe(Number(sent));
    expect(Number(sent)).toBe(40); // 4 s at 5 a second, two gateways
    expect(proc.stderr()).not.toMatch(/QUANTRAC_GATEWAY_SECRET|password/i);

    // Real time: B's 20 messages span about 4 s of wall-clock time, measured 200 ms apart.
    const cod = readings.filter((r) => r.station === B && r.parameter === 'COD').sort((x, y) => x.ts - y.ts);
    expect(cod).toHaveLength(20);
    expect(cod.slice(1).map((r, i) => r.ts - cod[i]!.ts)).toEqual(Array(19).fill(200));
    const span = cod[19]!.receivedAt - cod[0]!.receivedAt;
    expect(span).toBeGreaterThan(3000);
    expect(span).toBeLessThan(6000);
    console.log(`[figure] --rate 5: 20 messages received over ${span} ms (${(19_000 / span).toFixed(2)}/s)`);
    // The file's scenario: B's COD above the limit 75 x 0.9 throughout.
    expect(cod.every((r) => r.value > 67.5)).toBe(true);
    // The flag's scenario: every 4th message of A carries a wrong unit, refused on that reading only.
    expect(codes.filter((c) => c === `${A}:unit_mismatch`)).toHaveLength(5);
    expect(readings.filter((r) => r.station === A && r.parameter === 'COD')).toHaveLength(20);
  });

  it('refuses a scenario it cannot play, saying why, before connecting', async () => {
    proc = runCli(['simulate', '--url', 'mqtt://127.0.0.1:9', '--scenario', `spike:${A}:SO2`]);
    expect(await proc.exited).toBe(1);
    expect(proc.stderr()).toMatch(/scenarios\[0\] \(spike:BN-YENPHONG-F001-NT1:SO2\): BN-YENPHONG-F001-NT1 does not measure "SO2"/);
    proc = runCli(['simulate', '--url', 'mqtt://127.0.0.1:9', '--rate', 'fast']);
    expect(await proc.exited).toBe(1);
    expect(proc.stderr()).toMatch(/--rate takes a positive number, got "fast"/);
  });
});
