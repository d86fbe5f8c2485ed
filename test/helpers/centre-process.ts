import { readFile } from 'node:fs/promises';
import { runCli, type CliProcess } from './cli-process.js';

/**
 * The whole centre as a child process (`bin/quantrac start`, the heap bound and malloc settings
 * an operator gets), so what a test measures is the centre's alone: its RSS from
 * /proc/<pid>/status, its log from its stdout, its /healthz and /metrics over HTTP.
 * Accounts are written to DATA_DIR before it starts (the CLI's stores), since a child has no
 * in-memory `provision()`.
 */
export interface CentreProcess {
  readonly proc: CliProcess;
  readonly pid: number;
  readonly dashboardUrl: string;
  readonly mqttUrl: string;
  readonly mqttPort: number;
  /** VmRSS in bytes now; undefined once the process is gone. */
  rss(): Promise<number | undefined>;
  /** GET /healthz: the HTTP status, or 0 when nothing answers (the centre is down). */
  health(): Promise<number>;
  /** A counter or gauge from /metrics, summed over the series whose labels include `labels`. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** The centre's stdout so far (JSON log lines and the banner). */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code or signal. */
  stop(graceMs?: number): Promise<number | string>;
}

/** Starts `quantrac start` with this environment and waits for its banner. */
export async function startCentreProcess(env: Record<string, string>, timeoutMs = 90_000): Promise<CentreProcess> {
  const proc = runCli(['start'], { MQTT_PORT: '0', HTTP_PORT: '0', ...env });
  const [, dashboardUrl] = await proc.waitForOutput(/dashboard\s+(http:\/\/\S+)/, timeoutMs);
  const [, mqttUrl] = await proc.waitForOutput(/MQTT\s+(mqtt:\/\/\S+)/, timeoutMs);
  await proc.waitForOutput(/Press Ctrl-C/, timeoutMs);
  const base = dashboardUrl!.replace(/\/+$/, '');
  const pid = proc.child.pid!;
  return {
    proc,
    pid,
    dashboardUrl: base,
    mqttUrl: mqttUrl!,
    mqttPort: Number(new URL(mqttUrl!).port),
    rss: () => readRss(pid),
    async health() {
      try {
        const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(5_000) });
        await res.body?.cancel();
        return res.status;
      } catch {
        return 0;
      }
    },
    async metric(name, labels = {}) {
      const res = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(10_000) });
      return sumMetric(await res.text(), name, labels);
    },
    output: () => proc.stdout(),
    async stop(graceMs = 15_000) {
      if (proc.child.exitCode !== null || proc.child.signalCode !== null) return proc.exited;
      proc.child.kill('SIGTERM');
      const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
      try {
        return await proc.exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** VmRSS of a process in bytes (Linux), undefined when it has exited. */
export async function readRss(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

/** Sums the samples of `name` in Prometheus text whose labels include every given pair. */
export function sumMetric(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== '{' && line[name.length] !== ' ')) continue;
    const m = /^[^{\s]+(?:\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const have = new Map([...(m[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1]!, x[2]!]));
    if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) sum += Number(m[2]);
  }
  return sum;
}

/**
 * Samples a process's RSS every `everyMs` until stopped: the peak of the whole run, and the
 * peak since the last `mark()` (one burst).
 */
export function sampleRss(
  read: () => Promise<number | undefined>,
  everyMs = 200,
): { peak(): number; peakSinceMark(): number; mark(): void; stop(): void } {
  let peak = 0;
  let sinceMark = 0;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void read()
      .then((rss) => {
        if (rss === undefined) return;
        peak = Math.max(peak, rss);
        sinceMark = Math.max(sinceMark, rss);
      })
      .finally(() => {
        busy = false;
      });
  }, everyMs);
  return {
    peak: () => peak,
    peakSinceMark: () => sinceMark,
    mark() {
      sinceMark = 0;
    },
    stop: () => clearInterval(timer),
  };
}
