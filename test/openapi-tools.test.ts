// The OpenAPI export as users consume it: fetched from a running stub, linted
// by Redocly CLI (recommended ruleset), turned into TypeScript by
// openapi-typescript and type-checked by tsc, with real answers of the stub
// (a create of each API, a forced 503) written as values of the generated types.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { runProcess } from './cli-helpers.js';
import { listening, ROOT, TOKEN, VALID, WELLO_AUTH } from './helpers.js';

const BIN = {
  redocly: join(ROOT, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js'),
  openapiTypescript: join(ROOT, 'node_modules', 'openapi-typescript', 'bin', 'cli.js'),
  tsc: join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
};

// Redocly CLI would otherwise send telemetry and look for a newer version over the network.
const QUIET_ENV = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };

/** Runs a package's JS bin with this Node (no npx, no shell) in `cwd`. */
const run = (bin: string, args: string[], cwd: string) => runProcess(process.execPath, [bin, ...args], { cwd, env: QUIET_ENV });

interface RedoclyReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
}

describe('the OpenAPI export through the tools users run on it', () => {
  let dir: string;
  let stub: Awaited<ReturnType<typeof listening>>;
  let served: { servers: { url: string }[] };
  let docFile: string;
  let config: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'taskstub-openapi-'));
    // The recommended ruleset as it is, no rule turned off; written out so that
    // a redocly.yaml elsewhere cannot change what is checked. openapi-typescript
    // lints with Redocly too, and is given the same file.
    config = join(dir, 'redocly.yaml');
    writeFileSync(config, 'extends:\n  - recommended\n');
    stub = await listening();
    const res = await request(stub.url).get('/__admin/openapi.json').expect(200);
    served = res.body as typeof served;
    docFile = join(dir, 'taskstub.openapi.json');
    writeFileSync(docFile, res.text);
  });

  after(() => {
    stub.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('GET /__admin/openapi.json names the URL the stub listens at as servers[0]', () => {
    assert.match(stub.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(served.servers[0]!.url, stub.url);
  });

  it('Redocly CLI lint, recommended ruleset: 0 errors and 0 warnings', async () => {
    const { code, stdout, stderr } = await run(BIN.redocly, ['lint', docFile, `--config=${config}`, '--format=json'], dir);
    // stderr carries the Node 20 deprecation banner and the summary; the report is stdout.
    let report: RedoclyReport;
    try {
      report = JSON.parse(stdout) as RedoclyReport;
    } catch {
      assert.fail(`redocly lint printed no JSON report (exit ${code}):\n${stdout}\n${stderr}`);
    }
    const problems = report.problems.map((p) => `${p.severity} ${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`).join('\n');
    assert.equal(report.totals.errors, 0, problems);
    assert.equal(report.totals.warnings, 0, problems);
    assert.equal(code, 0, stderr);
  });

  it('openapi-typescript generates types that tsc --strict accepts, and real answers of the stub are values of them', async () => {
    const generated = join(dir, 'taskstub-api.ts');
    const gen = await run(BIN.openapiTypescript, [docFile, '--output', generated, '--redocly', config], dir);
    assert.equal(gen.code, 0, gen.stderr);

    // Real answers: each API's create, and a forced 503 of each in its own error shape.
    const api = request(stub.url);
    const onlyofficeTml = (await api.post('/api/2.0/crm/task.tml').set(TOKEN).send(VALID).expect(201)).body as unknown;
    const onlyoffice503 = (await api.post('/api/2.0/crm/task').set(TOKEN).set('X-Stub-Fault', '503').send(VALID).expect(503)).body as unknown;
    const token = (await api.post('/api/2.0/authentication').send({ userName: 'u', password: 'p' }).expect(201)).body as unknown;
    const wello = (await api.post('/api/Task').set(WELLO_AUTH).send({ subject: 's' }).expect(201)).body as unknown;
    const wello503 = (await api.post('/api/Task').set(WELLO_AUTH).set('X-Stub-Fault', '503').send({ subject: 's' }).expect(503)).body as unknown;
    const json = (value: unknown) => JSON.stringify(value, null, 2);

    const consumer = join(dir, 'consumer.ts');
    writeFileSync(
      consumer,
      `import type { operations, paths } from './taskstub-api';

// One operation per path: the ids openapi-typescript used to emit twice (TS2300).
export const ids: (keyof operations)[] = [
  'onlyofficeCreateTask', 'onlyofficeCreateTaskJson', 'onlyofficeCreateTaskXml', 'onlyofficeCreateTaskTml',
  'onlyofficeAuthenticate', 'onlyofficeAuthenticateJson', 'onlyofficeAuthenticateXml', 'onlyofficeAuthenticateTml',
  'welloCreateTask',
];
export type TmlAnswersXml = operations['onlyofficeCreateTaskTml']['responses'][201]['content']['text/xml'];
// @ts-expect-error no suffix never answers XML
export type PlainAnswersXml = operations['onlyofficeCreateTask']['responses'][201]['content']['text/xml'];
export type Post = paths['/api/2.0/crm/task.tml']['post'];

// A JSON request to .tml is answered in JSON (only a non-JSON request gets XML there).
export const created: operations['onlyofficeCreateTaskTml']['responses'][201]['content']['application/json'] = ${json(onlyofficeTml)};
export const unavailable: operations['onlyofficeCreateTask']['responses'][503]['content']['application/json'] = ${json(onlyoffice503)};
export const anyOther5xx: operations['onlyofficeCreateTask']['responses']['5XX']['content']['application/json'] = unavailable;
export const token: operations['onlyofficeAuthenticate']['responses'][201]['content']['application/json'] = ${json(token)};
export const welloCreated: operations['welloCreateTask']['responses'][201]['content']['application/json'] = ${json(wello)};
export const welloUnavailable: operations['welloCreateTask']['responses'][503]['content']['application/json'] = ${json(wello503)};
export const welloAny4xx: operations['welloCreateTask']['responses']['4XX']['content']['application/json'] = welloUnavailable;
`,
    );
    const tsc = await run(BIN.tsc, ['--noEmit', '--strict', '--target', 'es2022', '--module', 'preserve', generated, consumer], dir);
    assert.equal(tsc.code, 0, `tsc --strict on the generated types:\n${tsc.stdout}${tsc.stderr}`);
  });
});
