// The npm package as users get it (ecosystem issue): what `npm pack` ships,
// and a real install of the tarball in an empty project, where `npx taskstub`
// runs and both entry points import with their types.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { ROOT } from './helpers.js';

const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
  exports: Record<string, { types: string; default: string }>;
  engines: { node: string };
  files: string[];
};

describe('the npm package', () => {
  let packed: { filename: string; unpackedSize: number; files: { path: string }[] };
  const dir = mkdtempSync(join(tmpdir(), 'taskstub-pack-'));

  it('`npm pack` ships dist with types, schemas, fixtures and the page, and nothing from src, test or bench', async () => {
    // npm test has just built dist; --ignore-scripts packs that build as it is.
    const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT });
    packed = (JSON.parse(stdout.slice(stdout.indexOf('['))) as (typeof packed)[])[0]!;
    const files = packed.files.map((f) => f.path);
    for (const target of [...Object.values(pkg.bin), ...Object.values(pkg.exports).flatMap((e) => [e.types, e.default])]) assert.ok(files.includes(target.replace(/^\.\//, '')), `${target} is packed`);
    for (const needed of ['package.json', 'README.md', 'ui/index.html', 'schemas/wello/task.schema.json', 'fixtures/onlyoffice.json']) assert.ok(files.includes(needed), needed);
    assert.deepEqual(files.filter((f) => /^(src|test|bench|docs|scripts|examples)\/|\.map$|\.tsbuildinfo$/.test(f)), []);
    assert.ok(packed.unpackedSize < 1_500_000, `unpacked ${packed.unpackedSize} bytes`);
    assert.match(readFileSync(join(ROOT, pkg.bin.taskstub!), 'utf8'), /^#!\/usr\/bin\/env node\n/);
    assert.equal(pkg.engines.node, '>=20');
  });

  it('installs into an empty project, where `npx taskstub` runs and `taskstub` and `taskstub/client` import, typed', async () => {
    const project = mkdtempSync(join(tmpdir(), 'taskstub-consumer-'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(dir, packed.filename)], { cwd: project });
    const help = await run('npx', ['--no-install', 'taskstub', '--help'], { cwd: project });
    assert.match(help.stdout, /taskstub serve\s/);
    assert.match(help.stdout, /taskstub openapi/);
    const script = `
      import { createApp, createStub, createStubServer, openApiDocument } from 'taskstub';
      import { connect, VerificationError } from 'taskstub/client';
      const kinds = [createApp, createStub, createStubServer, openApiDocument, connect, VerificationError].map((x) => typeof x);
      const stub = createStub({ seed: 1 });
      const res = stub.handle({ method: 'POST', path: '/api/Task', query: {}, headers: { 'content-type': 'application/json', authorization: 'Basic ' + Buffer.from('a:b@c').toString('base64') }, body: Buffer.from('{"subject":"from the package"}') });
      console.log(JSON.stringify({ kinds, status: res.response.status }));`;
    writeFileSync(join(project, 'check.mjs'), script);
    const { stdout } = await run(process.execPath, ['check.mjs'], { cwd: project });
    assert.deepEqual(JSON.parse(stdout), { kinds: ['function', 'function', 'function', 'function', 'function', 'function'], status: 201 });
    // The types resolve through the exports map: a consumer's TypeScript checks against them.
    writeFileSync(
      join(project, 'check.ts'),
      `import { createStub, type WelloTask, type OnlyofficeCreateTaskRequest } from 'taskstub';
       import { connect, type TaskstubClient } from 'taskstub/client';
       const task: WelloTask = { subject: 'typed' };
       const request: OnlyofficeCreateTaskRequest = { title: 't', deadline: '2026-12-01T09:00:00Z', categoryId: 1, responsibleId: '9924256A-739C-462b-AF15-E652A3B1B6EB' };
       const client: TaskstubClient = connect('http://127.0.0.1:4010');
       const seed: number = createStub({ seed: 1 }).seed;
       // @ts-expect-error: subject must be a string, and the types know it
       const wrong: WelloTask = { subject: 42 };
       export { task, request, client, seed, wrong };`,
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    await run(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', '--typeRoots', join(ROOT, 'node_modules', '@types'), 'check.ts'], { cwd: project });
  });

  it('installs from a git URL as the README shows: npm clones the committed tree, builds it with prepare, and its bin runs', { skip: existsSync(join(ROOT, '.git')) ? false : 'not a git checkout' }, async () => {
    const project = mkdtempSync(join(tmpdir(), 'taskstub-git-consumer-'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    await run('npm', ['install', '--save-dev', '--prefer-offline', '--no-audit', '--no-fund', `git+file://${ROOT}`], { cwd: project, timeout: 180_000 });
    const installed = join(project, 'node_modules', 'taskstub');
    for (const path of ['dist/cli.js', 'dist/index.d.ts', 'README.md', 'LICENSE']) assert.ok(existsSync(join(installed, path)), path);
    const { stdout } = await run(process.execPath, [join(installed, 'dist', 'cli.js'), '--help'], { cwd: project });
    assert.match(stdout, /taskstub serve\s/);
  });
});
