import type { Client } from 'aedes';
import { pauseReading, resumeReading } from './aedes-adapter.js';

export interface AdmissionLimiter {
  /** Runs `admit` for this client once fewer than the limit of its admissions are pending. */
  run(client: Client, admit: () => Promise<unknown>): Promise<void>;
}

interface Admissions {
  inflight: number;
  paused: boolean;
  waiting: Array<() => void>;
}

/**
 * At most `maxInflight` admissions per client (docs/ARCHITECTURE.md, "Facts that shape the
 * design"). Aedes reads a socket again whenever data arrives ('readable' restarts nextBatch even
 * while packets are pending), so holding admit() alone does not push back on a fast client: at
 * the bound its reading is paused, leaving the bytes in the socket (TCP backpressure); the
 * packets of the chunk already parsed wait here, at most one chunk's worth.
 */
export function createAdmissionLimiter(maxInflight: number): AdmissionLimiter {
  const states = new WeakMap<Client, Admissions>();
  return {
    async run(client, admit) {
      let s = states.get(client);
      if (!s) states.set(client, (s = { inflight: 0, paused: false, waiting: [] }));
      if (s.inflight >= maxInflight) await new Promise<void>((resolve) => s.waiting.push(resolve));
      s.inflight++;
      if (s.inflight >= maxInflight && !s.paused) {
        s.paused = true;
        pauseReading(client);
      }
      try {
        await admit();
      } finally {
        s.inflight--;
        const next = s.waiting.shift();
        if (next) next();
        else if (s.paused) {
          s.paused = false;
          resumeReading(client, s.inflight);
        }
      }
    },
  };
}
