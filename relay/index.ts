// The relay between levels of centres (docs/CONFIGURATION.md, "Upstream relay"; the national side adds its downstream-* files): this folder's door.
export { createRelay, type Relay, type RelayOptions, type RelayStatus } from './upstream-relay.js';
export { relaySettings, type RelaySettings } from './upstream-settings.js';
export type { RelayCatalogue } from './upstream-batch.js';
export type { ConnectUpstream, UpstreamConnection } from './upstream-connection.js';
