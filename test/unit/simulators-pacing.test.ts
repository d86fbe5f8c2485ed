import { beforeAll, describe, expect, it, vi } from 'vitest';
import { loadCatalogue, type Catalogue } from '../../core/index.js';
import { startSimulator } from '../../simulators/index.js';
import { createVirtualTime } from '../helpers/virtual-time.js';

let catalogue: Catalogue;
beforeAll(async () => {
  catalogue = await loadCatalogue('seeds/catalogue.json');
});

describe('simulator pacing on an injected scheduler (virtual time)', () => {
  it('waits 2 s for a CONNACK, then samples once per interval up to --messages', async () => {
    const vt = createVirtualTime();
    const start = vt.now();
    // Nothing listens on port 1: the gateway never connects, so every sample goes to its store.
    const sim = startSimulator({
      url: 'mqtt://127.0.0.1:1',
      catalogue,
      stations: 1,
      intervalMs: 1000,
      messages: 3,
      scheduler: vt.scheduler,
    });
    try {
      expect(sim.startAt).toBe(start);
      vt.advanceBy(1999);
      await new Promise((r) => setTimeout(r, 10));
      expect(sim.stats().ticks).toBe(0);
      vt.advanceBy(1); // 2 s without a CONNACK: a logger measures regardless
      await vi.waitFor(() => expect(vt.scheduler.actions).toHaveLength(1));
      vt.advanceBy(0);
      expect(sim.stats().ticks).toBe(1);
      vt.advanceBy(999);
      expect(sim.stats().ticks).toBe(1);
      vt.advanceBy(1);
      expect(sim.stats().ticks).toBe(2);
      vt.advanceBy(10_000);
      expect(sim.stats()).toMatchObject({ ticks: 3, messages: 0 });
      expect(sim.stats().backlog).toBeGreaterThan(0);
      expect(vt.scheduler.actions).toHaveLength(0); // no fourth sample
    } finally {
      await sim.close();
    }
  });
});
