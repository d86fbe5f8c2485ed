import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { runCli, type CliProcess } from '../helpers/cli-process.js';
import { testDatabase } from '../helpers/centre.js';

type Json = {
  stations: Array<{ id: string; parameters: Array<{ parameter: string; unit: string }>; limits: Array<{ parameter: string }> }>;
};

describe('quantrac start refuses a broken catalogue, naming the entry', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function startWith(mutate: (c: Json) => void): Promise<{ code: number | string; stderr: string }> {
    dir = await mkdtemp(join(tmpdir(), 'quantrac-cat-'));
    const catalogue = JSON.parse(await readFile('seeds/catalogue.json', 'utf8')) as Json;
    mutate(catalogue);
    const path = join(dir, 'catalogue.json');
    await writeFile(path, JSON.stringify(catalogue));
    const proc = runCli(['start', '--catalogue', path], {
      MQTT_PORT: '0',
      HTTP_PORT: '0',
      DATA_DIR: dir,
      INFLUX_URL: inject('influxUrl'),
      INFLUX_DB: testDatabase(),
      LOG_LEVEL: 'silent',
    });
    const code = await proc.exited;
    return { code, stderr: proc.stderr() };
  }

  it('an unknown unit', async () => {
    const { code, stderr } = await startWith((c) => {
      c.stations[2]!.parameters[0]!.unit = 'gallons/h';
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/stations\[2\] \([A-Z0-9-]+\)\.parameters\[0\]\.unit/);
    expect(stderr).toContain('gallons/h');
  });

  it('a duplicate station id', async () => {
    let id = '';
    const { code, stderr } = await startWith((c) => {
      id = c.stations[0]!.id;
      c.stations[5]!.id = id;
    });
    expect(code).toBe(1);
    expect(stderr).toContain(`stations[5] (${id})`);
    expect(stderr).toContain('duplicate');
  });

  it('a limit on a parameter the station does not measure', async () => {
    const { code, stderr } = await startWith((c) => {
      c.stations[0]!.limits[0]!.parameter = 'HCl';
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/stations\[0\] \([A-Z0-9-]+\)\.limits\[0\]: limit on unknown parameter "HCl"/);
  });

  it('a bad environment variable is named', async () => {
    dir = await mkdtemp(join(tmpdir(), 'quantrac-cat-'));
    const proc = runCli(['start'], { MQTT_PORT: 'not-a-port', DATA_DIR: dir });
    expect(await proc.exited).toBe(1);
    expect(proc.stderr()).toContain('MQTT_PORT');
  });
});

describe('quantrac start from any working directory', () => {
  let cwd: string | undefined;
  let proc: CliProcess | undefined;
  afterEach(async () => {
    if (proc && proc.child.exitCode === null && proc.child.signalCode === null) {
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
    if (cwd) await rm(cwd, { recursive: true, force: true });
  });

  // The shipped files (catalogue, alert rules, routing, demo scenarios, dashboard build) come
  // from the package; DATA_DIR (./data by default) stays the operator's, under the working directory.
  it.each([[[]], [['--demo']]])(
    'runs <checkout>/bin/quantrac start %j in a fresh folder, answers /healthz, exits 0 on Ctrl-C',
    async (flags: string[]) => {
      cwd = await mkdtemp(join(tmpdir(), 'quantrac-cwd-'));
      const env = { MQTT_PORT: '0', HTTP_PORT: '0', INFLUX_URL: inject('influxUrl'), INFLUX_DB: testDatabase(), LOG_LEVEL: 'warn' };
      proc = runCli(['start', ...flags], env, { cwd });
      const [, url] = await proc.waitForOutput(/dashboard\s+(http:\/\/\S+)/, 60_000);
      await proc.waitForOutput(/Press Ctrl-C/);
      const health = await fetch(`${url}/healthz`);
      expect(health.ok).toBe(true);
      await health.body?.cancel();
      if (flags.includes('--demo')) {
        expect(proc.stdout()).toMatch(/scenarios\s+\S*seeds\/scenarios\/demo\.json/);
        expect(proc.stderr()).not.toContain('demo scenario file not played');
      }
      await access(join(cwd, 'data'));
      proc.child.kill('SIGINT');
      expect(await proc.exited).toBe(0);
    },
  );
});
