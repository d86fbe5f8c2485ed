import { Counter, Gauge, type Registry } from 'prom-client';

/** The alerts worker's figures on /metrics (the main thread's process metrics do not see its heap). */
export interface WorkerMetrics {
  backlog: Gauge;
  dropped: Counter;
  heapUsed: Gauge;
  heapTotal: Gauge;
  restarts: Counter;
}

/** The worker's metrics in `registry`; undefined without one (tests, the CLI). */
export function createWorkerMetrics(registry: Registry | undefined): WorkerMetrics | undefined {
  if (!registry) return undefined;
  const registers = [registry];
  return {
    backlog: new Gauge({
      name: 'quantrac_alerts_worker_backlog_readings',
      help: 'Readings sent to the alerts worker and not yet evaluated',
      registers,
    }),
    dropped: new Counter({
      name: 'quantrac_alerts_readings_dropped_total',
      help: 'Readings the alerts rules never saw (worker down or too far behind)',
      registers,
    }),
    heapUsed: new Gauge({ name: 'quantrac_alerts_worker_heap_used_bytes', help: 'V8 heap used by the alerts worker', registers }),
    heapTotal: new Gauge({ name: 'quantrac_alerts_worker_heap_total_bytes', help: 'V8 heap held by the alerts worker', registers }),
    restarts: new Counter({
      name: 'quantrac_alerts_worker_restarts_total',
      help: 'Alerts workers started again after one died',
      registers,
    }),
  };
}
