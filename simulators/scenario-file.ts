import { readFile } from 'node:fs/promises';
import { QuantracError, type Catalogue } from '../core/index.js';
import { checkScenarios, ScenarioFileSchema, type ScenarioFile } from './scenario-schema.js';

/** Reads and checks a scenario file (seeds/scenarios/*.json); errors name the file and the bad entry. */
export async function loadScenarioFile(path: string, catalogue: Catalogue): Promise<ScenarioFile> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new QuantracError('ERR_SCENARIO', `scenario file ${path}: ${(err as Error).message}`);
  }
  const parsed = ScenarioFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new QuantracError(
      'ERR_SCENARIO',
      `scenario file ${path}: ${
        issue.path
          .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
          .join('')
          .replace(/^\./, '') || '(root)'
      }: ${issue.message}`,
    );
  }
  try {
    checkScenarios(parsed.data.scenarios, catalogue);
  } catch (err) {
    throw new QuantracError('ERR_SCENARIO', `scenario file ${path}: ${(err as Error).message}`);
  }
  return parsed.data;
}

/** A scenario file as simulator options (the caller adds url, catalogue and may override any). */
export function scenarioFileOptions(file: ScenarioFile | undefined): {
  stations?: number | string[];
  rate?: number;
  historyS?: number;
  historyStepS?: number;
  durationS?: number;
  seed?: number;
  scenarios: ScenarioFile['scenarios'];
} {
  if (!file) return { scenarios: [] };
  return {
    stations: file.stations === 'all' ? undefined : file.stations,
    rate: file.rate,
    historyS: file.historyS,
    historyStepS: file.historyStepS,
    durationS: file.durationS,
    seed: file.seed,
    scenarios: file.scenarios,
  };
}
