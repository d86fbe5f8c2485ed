import type { LiveRow } from './live.js';

/**
 * The binary delta of the live protocol (core/live.ts, `/ws?format=binary`): the same rows as
 * a compact `delta` frame, in about half the bytes. The overview's stream of every station is
 * the largest thing the centre sends a browser; at 50,000 readings/s its JSON needs more than
 * a client's 300 KB/s, in this form it fits. Pure and dependency-free (the browser bundle
 * imports this file directly).
 *
 * Layout, little-endian: `u8 kind` (1: delta), `f64 serverTime`, `varint rowCount`, then per
 * row: `u8 flags`, `varint stationIndex`, the time offset (`ts - serverTime`, ms: a zigzag
 * varint, or an f64 when flags & 4), `varint mask` (bit p: the station's parameter p has a
 * value), when flags & 1 one `u8` status digit per value (0, 1, 2: status `00`, `01`, `02`),
 * then the values: f32 each, or f64 each when flags & 2. Values cross with 6 significant
 * digits (wireValue), which an f32 holds exactly once rounded again to 6 digits, so a decoded
 * row equals the compact JSON one. A row a binary frame cannot carry (a station with more than
 * 31 parameters) is left out by the encoder, which says so (`skipped`).
 */
export const BINARY_DELTA = 1;

const STATUSES = 1;
const F64_VALUES = 2;
const F64_OFFSET = 4;
const MAX_PARAMETERS = 31;
const F32_MAX = 3.4028234663852886e38;
const F32_MIN_NORMAL = 1.1754943508222875e-38;

const f32Exact = (v: number): boolean => v === 0 || (Math.abs(v) >= F32_MIN_NORMAL && Math.abs(v) <= F32_MAX);

class Writer {
  buf = new Uint8Array(1024);
  view = new DataView(this.buf.buffer);
  at = 0;
  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.at + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.at));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(n: number): void {
    this.room(1);
    this.buf[this.at++] = n;
  }
  /** Unsigned, below 2^31. */
  varint(n: number): void {
    this.room(5);
    while (n >= 0x80) {
      this.buf[this.at++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    this.buf[this.at++] = n;
  }
  f32(n: number): void {
    this.room(4);
    this.view.setFloat32(this.at, n, true);
    this.at += 4;
  }
  f64(n: number): void {
    this.room(8);
    this.view.setFloat64(this.at, n, true);
    this.at += 8;
  }
}

/** Encodes compact rows (as `LiveEncoder.rows` makes them) into a binary delta. */
export function encodeBinaryDelta(rows: readonly LiveRow[], serverTime: number): { bytes: Uint8Array; skipped: number } {
  const w = new Writer();
  w.u8(BINARY_DELTA);
  w.f64(serverTime);
  let skipped = 0;
  const ok = rows.filter((row) => {
    const values = row.length - 2 - (typeof row[row.length - 1] === 'string' ? 1 : 0);
    const fits =
      typeof row[0] === 'number' &&
      Number.isInteger(row[0]) &&
      row[0] >= 0 &&
      row[0] < 2 ** 31 &&
      typeof row[1] === 'number' &&
      Number.isFinite(row[1]) &&
      values <= MAX_PARAMETERS;
    if (!fits) skipped += 1;
    return fits;
  });
  w.varint(ok.length);
  for (const row of ok) {
    const last = row[row.length - 1];
    const statuses = typeof last === 'string' ? last : undefined;
    const end = statuses === undefined ? row.length : row.length - 1;
    let mask = 0;
    let f64 = false;
    for (let i = 2; i < end; i++) {
      const v = row[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      mask |= 1 << (i - 2);
      if (!f32Exact(v)) f64 = true;
    }
    const dt = row[1] as number;
    const offsetF64 = !Number.isInteger(dt) || Math.abs(dt) >= 2 ** 30;
    w.u8((statuses === undefined ? 0 : STATUSES) | (f64 ? F64_VALUES : 0) | (offsetF64 ? F64_OFFSET : 0));
    w.varint(row[0] as number);
    if (offsetF64) w.f64(dt);
    else w.varint(dt >= 0 ? dt * 2 : -dt * 2 - 1);
    w.varint(mask >>> 0);
    if (statuses !== undefined) {
      for (let p = 0; p < end - 2; p++) if (mask & (1 << p)) w.u8(statuses[p] === '1' ? 1 : statuses[p] === '2' ? 2 : 0);
    }
    for (let p = 0; p < end - 2; p++) {
      if (!(mask & (1 << p))) continue;
      if (f64) w.f64(row[p + 2] as number);
      else w.f32(row[p + 2] as number);
    }
  }
  return { bytes: w.buf.slice(0, w.at), skipped };
}

/**
 * Decodes a binary delta back into compact rows (then `decodeLiveRows`). Bad bytes give
 * undefined, never an exception: the page must survive whatever reaches it.
 */
export function decodeBinaryDelta(data: ArrayBuffer | Uint8Array): { serverTime: number; rows: LiveRow[] } | undefined {
  const buf = data instanceof Uint8Array ? data : new Uint8Array(data);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let at = 0;
  const need = (n: number): void => {
    if (at + n > buf.length) throw new RangeError('truncated');
  };
  const varint = (): number => {
    let n = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      need(1);
      const b = buf[at++]!;
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return n;
    }
    throw new RangeError('varint too long');
  };
  const f64 = (): number => {
    need(8);
    const v = view.getFloat64(at, true);
    at += 8;
    return v;
  };
  try {
    need(1);
    if (buf[at++] !== BINARY_DELTA) return undefined;
    const serverTime = f64();
    const count = varint();
    if (count > buf.length) return undefined; // every row takes at least 4 bytes
    const rows: LiveRow[] = [];
    for (let r = 0; r < count; r++) {
      need(1);
      const flags = buf[at++]!;
      const si = varint();
      let dt: number;
      if (flags & F64_OFFSET) dt = f64();
      else {
        const z = varint();
        dt = z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      }
      const mask = varint();
      if (mask >= 2 ** MAX_PARAMETERS) return undefined;
      const positions: number[] = [];
      for (let p = 0; p < MAX_PARAMETERS; p++) if (mask & (1 << p)) positions.push(p);
      const width = positions.length === 0 ? 0 : positions[positions.length - 1]! + 1;
      const row: LiveRow = [si, dt];
      for (let p = 0; p < width; p++) row.push(null);
      let digits: string[] | undefined;
      if (flags & STATUSES) {
        need(positions.length);
        digits = new Array<string>(width).fill('0');
        for (const p of positions) digits[p] = String(Math.min(buf[at++]!, 2));
      }
      const wide = (flags & F64_VALUES) !== 0;
      need(positions.length * (wide ? 8 : 4));
      for (const p of positions) {
        let v: number;
        if (wide) v = f64();
        else {
          v = Number(view.getFloat32(at, true).toPrecision(6));
          at += 4;
        }
        row[p + 2] = v;
      }
      if (digits !== undefined) row.push(digits.join(''));
      rows.push(row);
    }
    return { serverTime, rows };
  } catch {
    return undefined;
  }
}
