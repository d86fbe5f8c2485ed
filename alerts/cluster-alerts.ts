import type { AlertsClusterPort } from '../core/index.js';
import { systemScheduler } from '../platform/index.js';
import { createAlerts, type AlertsOptions, type AlertsService } from './alerts.js';
import { attachCluster } from './cluster-view.js';

/**
 * The alerts part on this thread in cluster mode (ALERTS_THREAD=main with REDIS_* set): the rules
 * gated to the stations whose shard this node holds, driven by the cluster's port (cluster-view.ts).
 */
export async function createClusterAlerts(options: AlertsOptions & { cluster: AlertsClusterPort }): Promise<AlertsService> {
  const alerts = await createAlerts({ ...options, gated: true });
  const clock = options.clock ?? options.scheduler ?? systemScheduler;
  return attachCluster(
    {
      service: alerts,
      acknowledge: async (id, by, note) => alerts.acknowledge(id, by, note),
      silence: async (input) => alerts.silence(input),
      adopt: async (stations, open, silences) => void alerts.adopt(stations, open, silences),
      drop: async (stations) => alerts.drop(stations),
    },
    options.cluster,
    options.log,
    clock,
  );
}
