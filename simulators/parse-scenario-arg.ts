import { QuantracError } from '../core/index.js';
import { SCENARIO_NAMES, ScenarioSpecSchema, type ScenarioSpec } from './scenario-schema.js';

const KEYS: Readonly<Record<string, string>> = {
  at: 'atS',
  for: 'forS',
  every: 'everyS',
  level: 'level',
  factor: 'factor',
  samples: 'samples',
  probability: 'probability',
  offset: 'offsetS',
  status: 'status',
  mode: 'mode',
  kinds: 'kinds',
  everyN: 'everyN',
};

/**
 * `--scenario <name>:<station>[:<parameter>][:key=value,...]`, e.g. `spike:BN-YENPHONG-F001-NT1:COD`,
 * `offline:BN-YENPHONG-F001-NT1`, `drift:BN-YENPHONG-F001-NT1:COD:at=60,for=600,level=1.2`,
 * `malformed:BN-YENPHONG-F001-NT1:*:kinds=not_json+unit_mismatch`. Times in seconds.
 */
export function parseScenarioArg(text: string): ScenarioSpec {
  const usage = (why: string): QuantracError =>
    new QuantracError(
      'ERR_USAGE',
      `--scenario ${JSON.stringify(text)}: ${why}; expected <name>:<station>[:<parameter>][:key=value,...] with name one of ${SCENARIO_NAMES.join(', ')}`,
    );
  const parts = text.split(':');
  if (parts.length < 2 || parts.length > 4) throw usage('wrong number of parts');
  const [name, station, third, fourth] = parts as [string, string, string | undefined, string | undefined];
  let parameter = third;
  let extra = fourth;
  if (third !== undefined && fourth === undefined && third.includes('=')) {
    parameter = undefined;
    extra = third;
  }
  const spec: Record<string, unknown> = { name, station };
  if (parameter !== undefined && parameter !== '' && parameter !== '*') spec.parameter = parameter;
  for (const pair of extra ? extra.split(',') : []) {
    const [k, v] = pair.split('=') as [string, string | undefined];
    const key = KEYS[k];
    if (!key || v === undefined) throw usage(`unknown option "${pair}" (options: ${Object.keys(KEYS).join(', ')})`);
    if (key === 'kinds') spec.kinds = v.split('+');
    else if (key === 'status' || key === 'mode') spec[key] = v;
    else {
      const n = Number(v);
      if (!Number.isFinite(n)) throw usage(`${k} takes a number, got "${v}"`);
      spec[key] = n;
    }
  }
  const parsed = ScenarioSpecSchema.safeParse(spec);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw usage(`${issue.path.join('.') || 'scenario'}: ${issue.message}`);
  }
  return parsed.data;
}
