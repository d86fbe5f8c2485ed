export { createIncidents, type IncidentsService, type IncidentsOptions } from './incidents.js';
export { createCorrelator, type Correlator } from './correlator.js';
export {
  DEFAULT_INCIDENT_RULES,
  IncidentRulesSchema,
  loadIncidentRules,
  parseIncidentRules,
  type IncidentRules,
} from './incident-rules.js';
export { incidentRoutes, scopedIncident, INCIDENTS_PATH } from './incident-routes.js';
export { placesOf, type Place, type Places } from './places.js';
