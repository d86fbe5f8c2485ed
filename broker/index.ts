export { createBroker, type Broker, type BrokerOptions, type AdmitRequest } from './broker.js';
export { parsePresence } from './presence.js';
