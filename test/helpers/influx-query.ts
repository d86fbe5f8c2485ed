import type { InfluxClient } from '../../ingest/index.js';

export interface StoredPoint {
  time: number;
  station: string;
  zone: string;
  parameter: string;
  status: string;
  value: number;
}

/** Every `reading` point of a database, tags included, through InfluxQL. */
export async function storedReadings(influx: InfluxClient, where = ''): Promise<StoredPoint[]> {
  const series = await influx.query(`SELECT "value", "station", "zone", "parameter", "status" FROM "reading" ${where}`);
  const out: StoredPoint[] = [];
  for (const s of series) {
    const col = (name: string): number => s.columns.indexOf(name);
    for (const row of s.values) {
      out.push({
        time: row[col('time')] as number,
        value: row[col('value')] as number,
        station: row[col('station')] as string,
        zone: row[col('zone')] as string,
        parameter: row[col('parameter')] as string,
        status: row[col('status')] as string,
      });
    }
  }
  return out;
}

/** `SELECT count(value)`: how many points are stored. */
export async function countReadings(influx: InfluxClient, where = ''): Promise<number> {
  const series = await influx.query(`SELECT count("value") FROM "reading" ${where}`);
  return (series[0]?.values[0]?.[1] as number | undefined) ?? 0;
}
