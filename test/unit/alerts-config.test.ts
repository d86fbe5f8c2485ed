import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCatalogue, loadConfig } from '../../core/index.js';
import { createRules, loadAlertSettings, loadNotifyConfig, loadRules, parseNotifyConfig, RulesFileSchema } from '../../alerts/index.js';
import { alertsTestCatalogue, STATION, ZONE } from '../helpers/alerts-fixture.js';

describe('alert rules and routing files', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('the seeds validate against the demo catalogue', async () => {
    const catalogue = await loadCatalogue('seeds/catalogue.json');
    const rules = await loadRules('seeds/rules.json', catalogue);
    expect(rules.series('BN-YENPHONG-F001-NT1', 'pH').rate.maxPerMin).toBe(1);
    expect(rules.series('BN-YENPHONG-F001-NT1', 'Flow').sensorFault.flatlineCount).toBe(0);
    expect(rules.stale('BN-YENPHONG-F004-NT1').floorS).toBe(1200);
    const notify = await loadNotifyConfig('seeds/notify.json', { dataDir: './data', catalogue });
    expect(notify.routing.length).toBeGreaterThan(0);
    // Every zone of the catalogue has a route.
    for (const z of catalogue.zones)
      expect(
        notify.routing.some((r) => r.zones?.includes(z.id)),
        z.id,
      ).toBe(true);
  });

  it('applies overrides in order: defaults, parameter, station, station parameter', () => {
    const catalogue = alertsTestCatalogue();
    const rules = createRules(
      RulesFileSchema.parse({
        version: 1,
        defaults: { threshold: { warnFraction: 0.9, forS: 60 } },
        parameters: { COD: { threshold: { warnFraction: 0.7 } } },
        stations: { [STATION]: { threshold: { forS: 30 }, parameters: { COD: { threshold: { clearForS: 10 } } }, stale: { floorS: 900 } } },
      }),
      catalogue,
    );
    expect(rules.series(STATION, 'COD').threshold).toMatchObject({ warnFraction: 0.7, forS: 30, clearForS: 10, deadbandFraction: 0.05 });
    expect(rules.series(STATION, 'TSS').threshold).toMatchObject({ warnFraction: 0.9, forS: 30, clearForS: 300 });
    expect(rules.series('HP-TEST-F002-NT1', 'COD').threshold).toMatchObject({ warnFraction: 0.7, forS: 60 });
    expect(rules.stale(STATION)).toMatchObject({ floorS: 900, factor: 3 });
  });

  it('names the bad entry: a typo, an unknown station, a parameter the station does not measure', async () => {
    const catalogue = alertsTestCatalogue();
    dir = await mkdtemp(join(tmpdir(), 'quantrac-rules-'));
    const write = async (body: unknown): Promise<string> => {
      const path = join(dir!, `r${Math.random().toString(36).slice(2)}.json`);
      await writeFile(path, JSON.stringify(body));
      return path;
    };
    await expect(loadRules(await write({ version: 1, defaults: { threshold: { warnFration: 0.8 } } }), catalogue)).rejects.toThrow(
      /rules: defaults\.threshold/,
    );
    await expect(loadRules(await write({ version: 1, stations: { 'NO-SUCH-1': {} } }), catalogue)).rejects.toThrow(
      'rules: stations.NO-SUCH-1: unknown station',
    );
    await expect(loadRules(await write({ version: 1, stations: { [STATION]: { parameters: { SO2: {} } } } }), catalogue)).rejects.toThrow(
      `rules: stations.${STATION}.parameters.SO2: not measured at this station`,
    );
    await expect(loadRules(join(dir, 'missing.json'), catalogue)).rejects.toThrow(/cannot read/);
    expect(() => parseNotifyConfig({ version: 1, routing: [{ route: 'nope' }] }, catalogue)).toThrow(
      'notify: routing[0].route: unknown route "nope"',
    );
    expect(() => parseNotifyConfig({ version: 1, routes: { a: {} }, routing: [{ route: 'a', zones: ['ATLANTIS'] }] }, catalogue)).toThrow(
      'notify: routing[0].zones[0]: unknown zone "ATLANTIS"',
    );
    expect(() => parseNotifyConfig({ version: 1, routes: { a: { email: ['not-an-address'] } } }, catalogue)).toThrow(/routes\.a\.email\.0/);
  });

  it('takes a webhook secret only from a routing file under DATA_DIR, which then wins over seeds/', async () => {
    dir = await mkdtemp(join(tmpdir(), 'quantrac-notify-'));
    const dataDir = join(dir, 'data');
    const withSecret = {
      version: 1,
      webhooks: { ops: { url: 'https://hooks.example.vn/q', secret: 'a-secret-of-at-least-16-chars' } },
      routes: { r: { webhooks: ['ops'] } },
      routing: [{ route: 'r', zones: [ZONE] }],
    };
    await writeFile(join(dir, 'notify.json'), JSON.stringify(withSecret));
    await expect(loadNotifyConfig(join(dir, 'notify.json'), { dataDir })).rejects.toThrow(
      /webhooks\.ops\.secret: secrets belong in DATA_DIR or the environment/,
    );
    await import('node:fs/promises').then((fs) => fs.mkdir(dataDir));
    await writeFile(join(dataDir, 'notify.json'), JSON.stringify(withSecret), { mode: 0o644 });
    await chmod(join(dataDir, 'notify.json'), 0o644);
    // Secrets others may read are refused, with the fix named.
    await expect(loadNotifyConfig(join(dataDir, 'notify.json'), { dataDir })).rejects.toThrow(
      `holds webhook secrets but is readable by others (mode 644): run chmod 600 ${join(dataDir, 'notify.json')}`,
    );
    await chmod(join(dataDir, 'notify.json'), 0o600);
    const config = loadConfig({ DATA_DIR: dataDir, CATALOGUE: 'seeds/catalogue.json' });
    const catalogue = await loadCatalogue('seeds/catalogue.json');
    const settings = await loadAlertSettings({ ...config }, catalogue);
    expect(settings.notifyFile).toBe(join(dataDir, 'notify.json'));
    expect(settings.notify.webhooks.ops?.secret).toBe('a-secret-of-at-least-16-chars');
    expect(settings.smtp).toBeUndefined();
    const withSmtp = await loadAlertSettings(
      loadConfig({
        DATA_DIR: dataDir,
        SMTP_HOST: 'smtp.example.vn',
        SMTP_USER: 'alerts',
        SMTP_PASSWORD: 'pw',
        SMTP_SECURE: 'true',
        SMTP_PORT: '465',
      }),
      catalogue,
    );
    expect(withSmtp.smtp).toMatchObject({ host: 'smtp.example.vn', port: 465, secure: true, user: 'alerts', password: 'pw' });
  });
});
