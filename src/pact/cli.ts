// `taskstub pact`: writes a Pact V4 file `<out>/<consumer>-<provider>.json`,
// either from a running stub's journal (--from, through the typed client) or
// from scenario files (replayed against a stub in this process: scenarios.ts).
// Exit codes as replay's: 0 written; 1 a scenario failed or is not valid
// (nothing written); 2 a wrong command line or a stub that cannot be read.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AdminApiError, connect, StubUnreachableError } from '../client/index.js';
import type { ApiName } from '../core/record.js';
import { type PactFile, pactFileName, pactNameProblem } from './export.js';

export interface PactArgs {
  scenarios: string[] | undefined;
  consumer: string;
  provider: string;
  from: string | undefined;
  session: string | undefined;
  api: ApiName | undefined;
  out: string;
  'admin-token': string | undefined;
}

const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

function usageError(message: string): number {
  process.stderr.write(`taskstub pact: ${message}\n`);
  return EXIT_USAGE;
}

async function fromStub(args: PactArgs & { from: string }): Promise<PactFile | number> {
  try {
    const client = connect(args.from, { ...(args.session ? { session: args.session } : {}), ...(args['admin-token'] ? { adminToken: args['admin-token'] } : {}) });
    return await client.pact({ consumer: args.consumer, provider: args.provider, ...(args.api ? { api: args.api } : {}) });
  } catch (error) {
    if (error instanceof TypeError || error instanceof StubUnreachableError || error instanceof AdminApiError) return usageError(`--from ${args.from}: ${error.message}`);
    throw error;
  }
}

async function fromScenarios(args: PactArgs, paths: string[]): Promise<PactFile | number> {
  const [{ loadSchemas }, { FORMATS }, { loadScenario, scenarioFiles }, { pactFromScenarios }] = await Promise.all([
    import('../core/schemas.js'),
    import('../formats.js'),
    import('../replay/scenarios.js'),
    import('./scenarios.js'),
  ]);
  let files: string[];
  try {
    files = scenarioFiles(paths);
  } catch (error) {
    const { code, path } = error as NodeJS.ErrnoException;
    return usageError(code === 'ENOENT' ? `${path}: no such file or directory` : (error as Error).message);
  }
  if (files.length === 0) return usageError(`no scenario files (*.json) in ${paths.join(', ')}`);
  const registry = loadSchemas(FORMATS);
  const { pact, skipped, failed } = await pactFromScenarios(
    files.map((file) => loadScenario(file, registry)),
    { consumer: args.consumer, provider: args.provider, ...(args.api ? { api: args.api } : {}) },
  );
  for (const one of skipped) process.stderr.write(`skipped "${one.scenario}" (${one.file}): ${one.reason}\n`);
  if (failed.length > 0) {
    for (const result of failed) {
      const why = [...result.errors, ...result.steps.filter((s) => !s.ok).map((s) => `step "${s.name}": ${s.failures.join('; ')}`)];
      process.stderr.write(`✗ "${result.name}" (${result.file}) fails against the stub, so it is no contract: ${why.join('; ')}\n`);
    }
    process.stderr.write(`taskstub pact: nothing written: ${failed.length} scenario(s) failed (taskstub replay shows them in full)\n`);
    return EXIT_FAILED;
  }
  return pact;
}

export async function runPact(args: PactArgs): Promise<number> {
  for (const what of ['consumer', 'provider'] as const) {
    const problem = pactNameProblem(what, args[what]);
    if (problem !== undefined) return usageError(`--${problem}`);
  }
  // yargs gives [undefined] for an optional array positional left out.
  const scenarios = (args.scenarios ?? []).filter((path): path is string => typeof path === 'string');
  if (args.from === undefined && scenarios.length === 0) return usageError('give scenario files or directories, or --from <stub url> to export a running stub\'s journal');
  if (args.from !== undefined && scenarios.length > 0) return usageError('give scenario files or --from <stub url>, not both');
  if (args.session !== undefined && args.from === undefined) return usageError('--session is for --from (scenarios run in sessions of their own)');
  const pact = args.from !== undefined ? await fromStub({ ...args, from: args.from }) : await fromScenarios(args, scenarios);
  if (typeof pact === 'number') return pact;
  mkdirSync(args.out, { recursive: true });
  const file = join(args.out, pactFileName(args.consumer, args.provider));
  // Written whole (not merged into an earlier file, as pact-js merges its own): the export is the journal as it is now.
  writeFileSync(file, `${JSON.stringify(pact, null, 2)}\n`);
  const { skipped } = pact.metadata.taskstub;
  const left = skipped.length ? `; ${skipped.length} call(s) left out (metadata.taskstub.skipped says why)` : '';
  process.stdout.write(`wrote ${file} (${pact.interactions.length} interaction(s)${left})\n`);
  return 0;
}
