export { createBroker, DEFAULT_LIMITS, type Broker, type BrokerOptions, type BrokerLimits, type AdmitRequest } from './broker.js';
export { parsePresence } from './presence.js';
export { createCredentialStore, credentialsFileIn, AccountSchema, type Account, type AccountRole, type CredentialStore } from './credential-store.js';
export { runGatewayCommand, GATEWAY_USAGE } from './gateway-command.js';
export { mayPublish, maySubscribe, type Identity } from './acl.js';
export type { ProvisionRequest } from './authenticator.js';
export { ownsClientId } from './client-id.js';
