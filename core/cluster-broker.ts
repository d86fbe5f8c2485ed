/**
 * What cluster mode hands the broker (docs/ARCHITECTURE.md, "Cluster mode"): the Aedes emitter
 * and persistence the nodes share through Redis. Made by cluster/ (createClusterBrokerParts),
 * taken by broker/ (BrokerOptions.cluster); main.ts passes one to the other. In single-process
 * mode there is none and the broker keeps its in-memory emitter and bounded persistence.
 */
export interface BrokerClusterParts {
  /** An mqemitter (Aedes' `mq`) that routes publications between the nodes. */
  readonly emitter: unknown;
  /** An aedes-persistence store (Aedes' `persistence`): sessions, subscriptions, queued QoS 1 messages, retained messages, wills. */
  readonly persistence: unknown;
  /** Aedes' `heartbeatInterval`, ms: a node silent for three of them is dead, and its clients' wills are published by another. */
  readonly heartbeatIntervalMs: number;
  /** Aedes' `maxTopicLevels`: what the emitter's own prefix leaves of the matcher's 100 levels. */
  readonly maxTopicLevels: number;
  /** QoS 1 messages queued for a client id in the shared store (its bound, MQTT_MAX_QUEUED, counts these). */
  queued(clientId: string): Promise<number>;
  /** Ends the persistence's and the queue count's connections; the broker calls it after Aedes closed (which closes the emitter). */
  close(): Promise<void>;
}
