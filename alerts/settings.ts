import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { packagePath, type Catalogue, type Config } from '../core/index.js';
import type { SmtpSettings } from './notify/email.js';
import { loadNotifyConfig, type NotifyConfig } from './notify/notify-config.js';
import { loadRules, type Rules } from './rules-config.js';

export interface AlertSettings {
  rules: Rules;
  notify: NotifyConfig;
  notifyFile: string;
  smtp?: SmtpSettings;
  webhookSecret?: string;
  tickMs: number;
  dataDir: string;
}

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * The alerts' files and secrets from the configuration: the rules file, the routing file
 * (DATA_DIR/notify.json when present, so real addresses stay out of the repository, else
 * seeds/notify.json), SMTP and the webhook secret from the environment only.
 */
export async function loadAlertSettings(config: Config, catalogue: Catalogue): Promise<AlertSettings> {
  const dataDir = resolve(config.DATA_DIR);
  const rules = await loadRules(resolve(config.ALERTS_RULES_FILE), catalogue);
  let notifyFile = config.ALERTS_NOTIFY_FILE;
  if (notifyFile === undefined)
    notifyFile = (await exists(join(dataDir, 'notify.json'))) ? join(dataDir, 'notify.json') : packagePath('seeds', 'notify.json');
  const notify = await loadNotifyConfig(resolve(notifyFile), { dataDir, catalogue });
  const smtp: SmtpSettings | undefined =
    config.SMTP_HOST === undefined
      ? undefined
      : {
          host: config.SMTP_HOST,
          port: config.SMTP_PORT,
          secure: config.SMTP_SECURE,
          user: config.SMTP_USER,
          password: config.SMTP_PASSWORD,
          from: config.SMTP_FROM,
        };
  return {
    rules,
    notify,
    notifyFile: resolve(notifyFile),
    smtp,
    webhookSecret: config.ALERTS_WEBHOOK_SECRET,
    tickMs: config.ALERTS_TICK_MS,
    dataDir,
  };
}
