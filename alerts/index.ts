export { createAlerts, type Alerts, type AlertsOptions, type AlertsService } from './alerts.js';
export { loadAlertSettings, type AlertSettings } from './settings.js';
export { createReadingBatcher, createReadingUnpacker, type ReadingBatch } from './reading-batch.js';
export { createAlertEngine, selectAlerts, CENTRE, type AlertEngine, type EngineOptions } from './engine.js';
export {
  createRules,
  loadRules,
  RulesFileSchema,
  DEFAULT_SERIES_RULES,
  DEFAULT_STALE,
  DEFAULT_FLAPPING,
  type Rules,
  type RulesFile,
  type SeriesRules,
} from './rules-config.js';
export { parseNotifyConfig, loadNotifyConfig, NotifyFileSchema, type NotifyConfig } from './notify/notify-config.js';
export { signBody, SIGNATURE_HEADER, type WebhookRequest } from './notify/webhook.js';
export { DeliveryError, type DeadLetter } from './notify/delivery.js';
export type { EmailSender, SmtpSettings } from './notify/email.js';
export { createIncidentNotifier, incidentRoutes, type IncidentNotifier } from './notify/incident-notifier.js';
export { encodeAlertEvent } from './event-lines.js';
export type { QueryFn } from './event-store.js';
export { RollingMean } from './rolling-mean.js';
export { MinuteTrend } from './minute-trend.js';
export { F64Slab } from './slab.js';
export { startAlertsWorker, type AlertsWorker, type AlertsWorkerOptions } from './alerts-worker.js';
export { createClusterAlerts } from './cluster-alerts.js';
