import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { runCli, type CliProcess } from '../helpers/cli-process.js';
import { testDatabase } from '../helpers/centre.js';

describe('quantrac start: what it prints', () => {
  let dir: string | undefined;
  let proc: CliProcess | undefined;
  afterEach(async () => {
    if (proc && proc.child.exitCode === null && proc.child.signalCode === null) {
      proc.child.kill('SIGTERM');
      await proc.exited;
    }
    proc = undefined;
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it(
    'prints INFLUX_URL without its user name and password, and runs with the heap QUANTRAC_HEAP_MB bounds',
    { timeout: 120_000 },
    async () => {
      dir = await mkdtemp(join(tmpdir(), 'quantrac-start-'));
      const secret = 'S3cret-Influx-Pa55word';
      const url = new URL(inject('influxUrl'));
      url.username = 'quantrac';
      url.password = secret;
      proc = runCli(['start'], {
        MQTT_PORT: '0',
        HTTP_PORT: '0',
        DATA_DIR: dir,
        INFLUX_URL: url.toString(),
        INFLUX_DB: testDatabase(),
        LOG_LEVEL: 'silent',
        QUANTRAC_HEAP_MB: '300',
      });
      const [line] = await proc.waitForOutput(/ {2}InfluxDB {3}\S+/, 90_000);
      url.username = '';
      url.password = '';
      expect(line).toBe(`  InfluxDB   ${url.toString()}`);
      await proc.waitForOutput(/Press Ctrl-C/, 30_000);
      expect(proc.stdout()).not.toContain(secret);
      expect(proc.stdout()).not.toMatch(/\/\/[^/\s]*@/); // no userinfo in any printed URL
      // V8's limit is the old space QUANTRAC_HEAP_MB sets plus the young generation (tens of MB); unbounded it is gigabytes.
      const heapMb = Number(/ {2}heap {7}(\d+) MB/.exec(proc.stdout())?.[1]);
      expect(heapMb).toBeGreaterThanOrEqual(300);
      expect(heapMb).toBeLessThan(400);
    },
  );
});
