// Scenario files: JSON, checked against schemas/scenario.schema.json.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SchemaRegistry } from '../core/schemas.js';
import type { Scenario } from '../generated/scenario.js';
import { compilePattern, PatternError } from '../journal/pattern.js';
import { patternsIn } from '../journal/subset.js';

export type { Scenario };

export interface LoadedScenario {
  file: string;
  scenario?: Scenario;
  /** Why the file is not a scenario. */
  errors: string[];
}

/** The .json files named, and those under the directories named, in a stable order. */
export function scenarioFiles(paths: readonly string[]): string[] {
  return paths.flatMap((path) => {
    if (!statSync(path).isDirectory()) return [path];
    const entries = readdirSync(path, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    // A directory's drift.json is `taskstub record`'s report beside the scenarios it wrote, not a scenario.
    return scenarioFiles(entries.filter((e) => e.isDirectory() || (e.name.endsWith('.json') && e.name !== 'drift.json')).map((e) => join(path, e.name)));
  });
}

export function loadScenario(file: string, registry: SchemaRegistry): LoadedScenario {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return { file, errors: [(error as Error).message] };
  }
  const validate = registry.validator('scenario');
  if (!validate(data)) return { file, errors: (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`) };
  const scenario = data as Scenario;
  const unusable = unusablePatterns(scenario);
  if (unusable.length > 0) return { file, errors: unusable };
  return { file, scenario, errors: [] };
}

/** Each {matches} pattern the engine refuses (lookaround, backreferences...), said at load time rather than as a failed step. */
function unusablePatterns(scenario: Scenario): string[] {
  const found = scenario.steps.flatMap(({ expect }, i) => [
    ...Object.entries(expect.headers ?? {}).flatMap(([name, want]) =>
      want !== null && typeof want === 'object' ? [{ source: want.matches, pointer: `/steps/${i}/expect/headers/${name}/matches` }] : [],
    ),
    ...(expect.body === undefined ? [] : patternsIn(expect.body, `/steps/${i}/expect/body`)),
  ]);
  return found.flatMap(({ source, pointer }) => {
    try {
      compilePattern(source);
      return [];
    } catch (error) {
      if (error instanceof PatternError) return [`${pointer} ${error.message}`];
      throw error;
    }
  });
}
