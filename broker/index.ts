export { brokerSettings } from './broker-settings.js';
export { createBroker, DEFAULT_LIMITS, type Broker, type BrokerOptions, type BrokerLimits } from './broker.js';
export { parsePresence } from './presence.js';
export {
  createCredentialStore,
  credentialsFileIn,
  DEFAULT_SCRYPT_COST,
  AccountSchema,
  type Account,
  type AccountRole,
  type CredentialStore,
} from './credential-store.js';
export { runGatewayCommand, GATEWAY_USAGE } from './gateway-command.js';
export { mayPublish, maySubscribe, type Identity } from './acl.js';
export type { ProvisionRequest } from './authenticator.js';
export { ownsClientId } from './client-id.js';
