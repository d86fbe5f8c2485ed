import type { InfluxClient } from '../ingest/index.js';

/**
 * InfluxDB's own ingest ceiling on this machine: bulk line protocol of the same shape as
 * readings (2,000 stations x 8 parameters, ms timestamps), 10,000 lines a request, a few
 * requests in flight, no pipeline in front. Returns points per second.
 */
export async function measureInfluxCeiling(
  influx: InfluxClient,
  options: { points?: number; batch?: number; concurrency?: number } = {},
): Promise<{ points: number; seconds: number; pointsPerSecond: number }> {
  const points = options.points ?? 2_000_000;
  const batch = options.batch ?? 10_000;
  const concurrency = options.concurrency ?? 2;
  const params = ['Flow', 'Temp', 'P', 'O2', 'PM', 'SO2', 'NOx', 'CO'];
  const t0 = Date.now() - 3_600_000;
  // Build the bodies first so the measurement is InfluxDB's, not our string building.
  const bodies: string[] = [];
  for (let start = 0; start < points; start += batch) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(points, start + batch); i++) {
      const station = `CEIL-${String(Math.floor(i / 8) % 2000).padStart(5, '0')}`;
      const ts = t0 + Math.floor(i / 16_000);
      lines.push(`reading,parameter=${params[i % 8]},station=${station},status=00,zone=BENCH value=${(i % 997) / 7} ${ts}`);
    }
    bodies.push(lines.join('\n'));
  }
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        await influx.write(body);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { points, seconds, pointsPerSecond: points / seconds };
}
