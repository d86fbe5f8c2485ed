import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { freePort, type CatalogueFile } from '../core/index.js';

const BIN = fileURLToPath(new URL('../bin/quantrac.js', import.meta.url));

export interface CentreProcess {
  pid: number;
  mqttUrl: string;
  dashboardUrl: string;
  /** Headers a dashboard WebSocket client needs (session cookie, Origin). */
  wsHeaders: Record<string, string>;
  /** Credentials for `connections` load-generator gateways sharing the stations. */
  gatewayCredentials(catalogue: CatalogueFile, connections: number): Promise<Array<{ username: string; password: string }> | undefined>;
  stop(): Promise<void>;
}

/** Runs `quantrac start` as a child process on free ports, for benchmarks. */
export async function startCentreProcess(options: { dir: string; influxUrl: string; cataloguePath: string; db: string; env?: Record<string, string> }): Promise<CentreProcess> {
  await mkdir(options.dir, { recursive: true });
  const mqttPort = await freePort();
  const httpPort = await freePort();
  const child = spawn(process.execPath, [BIN, 'start'], {
    env: { ...process.env, MQTT_PORT: String(mqttPort), HTTP_PORT: String(httpPort), DATA_DIR: options.dir, INFLUX_URL: options.influxUrl, INFLUX_DB: options.db, CATALOGUE: options.cataloguePath, LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Press Ctrl-C')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`centre exited (${code}) before it was ready:\n${out}`)));
  });
  child.stdout!.resume();
  return {
    pid: child.pid!,
    mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
    dashboardUrl: `http://127.0.0.1:${httpPort}`,
    wsHeaders: {},
    async gatewayCredentials() {
      return undefined;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT');
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(t);
    },
  };
}
