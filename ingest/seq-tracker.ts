/** What one `seq` says about a station's stream (docs/PROTOCOL.md: `seq` increases per station). */
export type SeqOutcome = 'first' | 'next' | 'gap' | 'duplicate' | 'late' | 'reset';

export interface SeqTracker {
  /** Records a message's seq; `missing` is how many numbers a gap skipped. */
  observe(station: string, seq: number): { outcome: SeqOutcome; missing: number };
  forget(station: string): void;
}

/** How far back a late or repeated seq is still recognised; further back means the gateway restarted its count. */
const WINDOW = 1024;

interface StationSeq {
  max: number;
  /** Bit (seq % WINDOW) set: seq in (max - WINDOW, max] was seen. */
  seen: Uint8Array;
}

/**
 * Counts gaps, duplicates and late arrivals per station, keyed by station alone (docs/ARCHITECTURE.md,
 * "Scaling out"). A resend after a lost PUBACK is a duplicate (the point is stored once anyway);
 * a late seq inside the window fills an earlier gap. State is 128 bytes per station.
 */
export function createSeqTracker(): SeqTracker {
  const stations = new Map<string, StationSeq>();
  const bit = (s: StationSeq, seq: number): boolean => (s.seen[(seq % WINDOW) >> 3]! & (1 << (seq & 7))) !== 0;
  const set = (s: StationSeq, seq: number): void => {
    s.seen[(seq % WINDOW) >> 3]! |= 1 << (seq & 7);
  };
  const clear = (s: StationSeq, seq: number): void => {
    s.seen[(seq % WINDOW) >> 3]! &= ~(1 << (seq & 7));
  };
  /** Clears `count` seqs from `from` on: bit by bit to a byte boundary, then whole bytes (a gateway counting in ms jumps hundreds). */
  const clearRange = (s: StationSeq, from: number, count: number): void => {
    let q = from;
    let left = count;
    for (; left > 0 && (q & 7) !== 0; q++, left--) clear(s, q);
    for (; left >= 8; q += 8, left -= 8) s.seen[(q % WINDOW) >> 3] = 0;
    for (; left > 0; q++, left--) clear(s, q);
  };

  return {
    observe(station, seq) {
      let s = stations.get(station);
      if (!s) {
        s = { max: seq, seen: new Uint8Array(WINDOW / 8) };
        set(s, seq);
        stations.set(station, s);
        return { outcome: 'first', missing: 0 };
      }
      if (seq > s.max) {
        const step = seq - s.max;
        if (step >= WINDOW) s.seen.fill(0);
        else clearRange(s, s.max + 1, step);
        s.max = seq;
        set(s, seq);
        return step === 1 ? { outcome: 'next', missing: 0 } : { outcome: 'gap', missing: step - 1 };
      }
      if (s.max - seq >= WINDOW) {
        s.seen.fill(0);
        s.max = seq;
        set(s, seq);
        return { outcome: 'reset', missing: 0 };
      }
      if (bit(s, seq)) return { outcome: 'duplicate', missing: 0 };
      set(s, seq);
      return { outcome: 'late', missing: 0 };
    },
    forget(station) {
      stations.delete(station);
    },
  };
}
