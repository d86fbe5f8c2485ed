/**
 * Float64 storage for many small fixed windows (the rules' per-series buckets) carved out of a
 * few large buffers. A typed array of its own per window costs about 190 bytes of objects and
 * a separate native allocation each; for 16,000 series with two or three windows apiece that
 * is 40,000 ArrayBuffers for the garbage collector to track. A window keeps the chunk and its
 * offset instead. Windows live as long as their series, so nothing is ever given back: the
 * slab goes when its engine does.
 */
export interface Slab {
  /** `n` zeroed numbers: the buffer that holds them and where they start in it. */
  alloc(n: number): { buf: Float64Array; off: number };
}

export class F64Slab implements Slab {
  private chunk = new Float64Array(0);
  private used = 0;

  constructor(private readonly chunkLength = 1 << 16) {}

  alloc(n: number): { buf: Float64Array; off: number } {
    if (n > this.chunkLength) return { buf: new Float64Array(n), off: 0 };
    if (this.used + n > this.chunk.length) {
      this.chunk = new Float64Array(this.chunkLength);
      this.used = 0;
    }
    const off = this.used;
    this.used += n;
    return { buf: this.chunk, off };
  }
}

/** For a window made on its own (tests, a single series): a buffer of its own. */
export const OWN_BUFFER: Slab = { alloc: (n) => ({ buf: new Float64Array(n), off: 0 }) };
