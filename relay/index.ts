// The relay between levels of centres (docs/RELAY.md): the upstream side (a province forwarding) and the downstream side (the nation receiving).
export { createRelay, type Relay, type RelayOptions, type RelayStatus } from './upstream-relay.js';
export { relaySettings, type RelaySettings } from './upstream-settings.js';
export type { RelayCatalogue } from './upstream-batch.js';
export type { ConnectUpstream, UpstreamConnection } from './upstream-connection.js';
export {
  createDownstream,
  RELAYED_ALERT_EVENT,
  type Downstream,
  type DownstreamOptions,
  type RelayState,
  type RelayedEvent,
} from './downstream.js';
