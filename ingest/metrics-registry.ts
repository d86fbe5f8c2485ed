import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * The centre's one prom-client registry, created in main.ts and passed to every part that
 * has metrics (ingest, broker, alerts), which register on it with `registers: [registry]`.
 * Process metrics (CPU, memory, event-loop lag, GC) come with it under their standard names.
 */
export function createMetricsRegistry(options: { processMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
  return registry;
}
