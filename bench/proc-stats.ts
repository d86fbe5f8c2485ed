import { readFile } from 'node:fs/promises';
import type { Subscription } from 'rxjs';
import { systemScheduler, type SchedulerLike } from '../platform/index.js';

const CLK_TCK = 100;

export interface ProcSample {
  at: number;
  rssMb: number;
  /** CPU seconds (user + system) consumed so far. */
  cpuS: number;
}

/** RSS and CPU time of a process, from /proc (Linux). */
export async function sampleProc(pid: number): Promise<ProcSample | undefined> {
  try {
    const [stat, status] = await Promise.all([readFile(`/proc/${pid}/stat`, 'utf8'), readFile(`/proc/${pid}/status`, 'utf8')]);
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { at: Date.now(), rssMb: rssKb / 1024, cpuS: (utime + stime) / CLK_TCK };
  } catch {
    return undefined;
  }
}

/** Samples a process every `intervalMs` until stopped; reports peak RSS and mean CPU (% of one core). */
export function watchProc(
  pid: number,
  intervalMs = 500,
  scheduler: SchedulerLike = systemScheduler,
): { stop(): Promise<{ peakRssMb: number; cpuPercent: number; samples: ProcSample[] }> } {
  const samples: ProcSample[] = [];
  let timer: Subscription | undefined;
  let stopped = false;
  const tick = async (): Promise<void> => {
    const s = await sampleProc(pid);
    // A stop() during the read above has unsubscribed the timer before this one: schedule no more.
    if (stopped) return;
    if (s) samples.push(s);
    timer = scheduler.schedule(() => void tick(), intervalMs);
  };
  void tick();
  return {
    async stop() {
      stopped = true;
      timer?.unsubscribe();
      const last = await sampleProc(pid);
      if (last) samples.push(last);
      const first = samples[0];
      const end = samples[samples.length - 1];
      const cpuPercent = first && end && end.at > first.at ? ((end.cpuS - first.cpuS) / ((end.at - first.at) / 1000)) * 100 : 0;
      return { peakRssMb: Math.max(0, ...samples.map((s) => s.rssMb)), cpuPercent, samples };
    },
  };
}

/** Mean CPU (% of one core) between two instants, from the samples nearest to them. */
export function cpuPercentBetween(samples: ProcSample[], from: number, to: number): number {
  const inside = samples.filter((s) => s.at >= from - 250 && s.at <= to + 250);
  const a = inside[0];
  const b = inside[inside.length - 1];
  return a && b && b.at > a.at ? ((b.cpuS - a.cpuS) / ((b.at - a.at) / 1000)) * 100 : 0;
}
