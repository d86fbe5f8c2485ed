import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeBinaryDelta,
  decodeLiveRows,
  encodeBinaryDelta,
  parseCatalogue,
  wireValue,
  type Catalogue,
  type CatalogueFile,
  type LiveRow,
  type Reading,
} from '../../core/index.js';
import { createLiveEncoder } from '../../dashboard/server/live-encoder.js';
import { benchCatalogue } from '../../bench/bench-catalogue.js';

let national: Catalogue;
beforeAll(async () => {
  const file = JSON.parse(await readFile(resolve('seeds/catalogue.json'), 'utf8')) as CatalogueFile;
  national = parseCatalogue(benchCatalogue(file, 2000));
});

/** A deterministic pseudo-random source, so a failure can be replayed. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

describe('binary live deltas (core/live-binary.ts)', () => {
  it('decodes to exactly the rows of the compact JSON frame, statuses, gaps, old readings and extreme values included', () => {
    const enc = createLiveEncoder(national);
    const rnd = random(42);
    const serverTime = 1_790_000_000_000;
    const readings: Reading[] = [];
    for (let i = 0; i < 3000; i++) {
      const s = national.stations[Math.floor(rnd() * national.stations.length)]!;
      const p = s.parameters[Math.floor(rnd() * s.parameters.length)]!;
      const kind = rnd();
      const value = kind < 0.02 ? 1e-300 : kind < 0.04 ? -3.9e38 : kind < 0.06 ? 0 : (rnd() - 0.2) * 10 ** Math.floor(rnd() * 12 - 4);
      const age = kind > 0.97 ? 40 * 86_400_000 : Math.floor(rnd() * 2000); // a few weeks late (store and forward)
      const status = rnd() < 0.05 ? '02' : rnd() < 0.05 ? '01' : '00';
      readings.push({
        station: s.id,
        zone: national.zoneOf(s.id)!.id,
        parameter: p.parameter,
        unit: p.unit,
        status,
        ts: serverTime - age,
        receivedAt: serverTime,
        value,
      });
    }
    const rows = enc.rows(readings, serverTime);
    const json = JSON.parse(JSON.stringify(rows)) as LiveRow[];
    const { bytes, skipped } = encodeBinaryDelta(rows, serverTime);
    expect(skipped).toBe(0);
    const back = decodeBinaryDelta(bytes);
    expect(back?.serverTime).toBe(serverTime);
    expect(back?.rows).toEqual(json);
    // And so to the same readings, each value at wire precision.
    const decoded = decodeLiveRows(enc.index, back!.rows, serverTime);
    const expected = decodeLiveRows(enc.index, json, serverTime);
    expect(decoded).toEqual(expected);
    expect(decoded.every((r) => r.value === wireValue(r.value))).toBe(true);
  });

  it('takes about half the bytes of the JSON rows for a national frame', () => {
    const enc = createLiveEncoder(national);
    const serverTime = 1_790_000_000_000;
    const readings: Reading[] = national.stations.flatMap((s, i) =>
      s.parameters.map((p, k) => ({
        station: s.id,
        zone: national.zoneOf(s.id)!.id,
        parameter: p.parameter,
        unit: p.unit,
        status: '00' as const,
        ts: serverTime - (i % 250),
        receivedAt: serverTime,
        value: wireValue(52_000 / (k + 1) + i * 0.137),
      })),
    );
    const rows = enc.rows(readings, serverTime);
    const jsonBytes = JSON.stringify({ type: 'delta', serverTime, rows }).length;
    const binaryBytes = encodeBinaryDelta(rows, serverTime).bytes.length;
    console.log(
      `[figure] 2,000 stations x 8 parameters in one frame: JSON ${Math.round(jsonBytes / 1000)} KB, binary ${Math.round(binaryBytes / 1000)} KB (${(binaryBytes / jsonBytes).toFixed(2)})`,
    );
    expect(binaryBytes / jsonBytes).toBeLessThan(0.6);
  });

  it('returns undefined for bytes that are not a binary delta, whatever they are', () => {
    const { bytes } = encodeBinaryDelta(
      [
        [3, -12, 1.5, null, 7, '002'],
        [0, 5, 2],
      ],
      1000,
    );
    expect(decodeBinaryDelta(bytes)?.rows).toEqual([
      [3, -12, 1.5, null, 7, '002'],
      [0, 5, 2],
    ]);
    for (let cut = 0; cut < bytes.length; cut++) expect(decodeBinaryDelta(bytes.slice(0, cut)), `cut at ${cut}`).toBeUndefined();
    expect(decodeBinaryDelta(new Uint8Array([2, ...bytes.slice(1)]))).toBeUndefined();
    const rnd = random(7);
    for (let i = 0; i < 2000; i++) {
      const junk = new Uint8Array(Math.floor(rnd() * 64)).map(() => Math.floor(rnd() * 256));
      if (junk.length > 0) junk[0] = 1;
      expect(() => decodeBinaryDelta(junk)).not.toThrow();
    }
    // An ArrayBuffer (what the browser gets) decodes the same.
    expect(decodeBinaryDelta(bytes.slice().buffer)?.rows).toHaveLength(2);
  });

  it('leaves out, and counts, a row it cannot carry', () => {
    const wide: LiveRow = [1, 0, ...Array.from({ length: 40 }, (_, i) => i)];
    const { bytes, skipped } = encodeBinaryDelta([wide, [2, 0, 1]], 0);
    expect(skipped).toBe(1);
    expect(decodeBinaryDelta(bytes)?.rows).toEqual([[2, 0, 1]]);
  });
});
