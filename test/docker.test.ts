// The Dockerfile, checked without a Docker engine (there is none here): it is
// parsed, its promises checked (multi-stage, production dependencies only,
// non-root, an init process, EXPOSE, HOST, HEALTHCHECK), and then its build
// and start steps run by hand: each stage is a temp directory, COPY copies
// from a temp copy of the build context (.dockerignore applied), RUN runs in
// the stage's WORKDIR with its ENV, and the final stage is started the way
// ENTRYPOINT + CMD start it. apt-get lines (tini) are the one thing not run.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { before, describe, it } from 'node:test';
import { ROOT, VALID } from './helpers.js';

const run = promisify(execFile);

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile lines: comments dropped, `\` continuations joined. */
function parseDockerfile(text: string): Instruction[] {
  const joined = text.replace(/\\\r?\n/g, ' ');
  return joined
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const space = line.search(/\s/);
      return { keyword: line.slice(0, space).toUpperCase(), args: line.slice(space + 1).trim() };
    });
}

interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

function stages(instructions: Instruction[]): Stage[] {
  const out: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [from = '', , name = String(out.length)] = instruction.args.split(/\s+/);
      out.push({ name, from, instructions: [] });
    } else {
      out.at(-1)?.instructions.push(instruction);
    }
  }
  return out;
}

const DOCKERFILE = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const STAGES = stages(parseDockerfile(DOCKERFILE));
const FINAL = STAGES.at(-1)!;
const all = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
const exec = (args: string) => JSON.parse(args) as string[];

/** ENV lines as a record (the KEY=value form). */
function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const args of all(stage, 'ENV')) for (const [, key, value] of args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[key!] = value!.replace(/^"|"$/g, '');
  return env;
}

describe('the Dockerfile, as written', () => {
  it('is multi-stage: a build stage with the dev dependencies, a final stage with `npm ci --omit=dev`', () => {
    assert.ok(STAGES.length >= 2);
    assert.equal(STAGES[0]!.name, 'build');
    assert.ok(all(FINAL, 'RUN').some((r) => /\bnpm ci\b.*--omit=dev/.test(r)));
    assert.ok(all(FINAL, 'COPY').some((c) => c.startsWith('--from=build ')), 'only the build output crosses over');
    assert.ok(!all(FINAL, 'RUN').some((r) => /npm run build|tsc/.test(r)), 'nothing is compiled in the final stage');
  });

  it('runs as a non-root user under tini, exposes 4010, binds 0.0.0.0, and checks /__admin/health with the admin token', () => {
    assert.deepEqual(all(FINAL, 'USER'), ['node']);
    const entrypoint = exec(all(FINAL, 'ENTRYPOINT')[0]!);
    assert.deepEqual(entrypoint.slice(0, 2), ['/usr/bin/tini', '--'], 'the path Debian\'s tini package installs');
    assert.ok(all(FINAL, 'RUN').some((r) => /apt-get install .*\btini\b/.test(r)));
    assert.deepEqual(all(FINAL, 'EXPOSE'), ['4010']);
    assert.equal(envOf(FINAL).HOST, '0.0.0.0');
    assert.equal(envOf(FINAL).PORT, '4010');
    const healthcheck = all(FINAL, 'HEALTHCHECK')[0]!;
    assert.match(healthcheck, /\/__admin\/health/);
    assert.match(healthcheck, /TASKSTUB_ADMIN_TOKEN/);
  });

  it('keeps node_modules, dist and .git out of the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const name of ['node_modules', 'dist', '.git']) assert.ok(ignored.includes(name), name);
  });
});

describe('the Dockerfile, run by hand', () => {
  const work = mkdtempSync(join(tmpdir(), 'taskstub-docker-'));
  const context = join(work, 'context');
  const stageRoots = new Map<string, string>();

  /** A temp copy of the repository as the build context: .dockerignore applied. */
  function copyContext(): void {
    const ignored = new Set(readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').filter(Boolean));
    for (const entry of readdirSync(ROOT)) if (!ignored.has(entry)) cpSync(join(ROOT, entry), join(context, entry), { recursive: true });
  }

  /** A stage's filesystem: a directory; its absolute paths are under it. */
  async function buildStage(stage: Stage): Promise<void> {
    const root = join(work, `stage-${stage.name}`);
    mkdirSync(root, { recursive: true });
    stageRoots.set(stage.name, root);
    let workdir = '/';
    const env: Record<string, string> = {};
    for (const { keyword, args } of stage.instructions) {
      const cwd = join(root, workdir);
      if (keyword === 'WORKDIR') {
        workdir = args;
        mkdirSync(join(root, workdir), { recursive: true });
      } else if (keyword === 'ENV') {
        Object.assign(env, envOf({ ...stage, instructions: [{ keyword, args }] }));
      } else if (keyword === 'COPY') {
        const parts = args.split(/\s+/);
        const from = parts[0]!.startsWith('--from=') ? parts.shift()!.slice('--from='.length) : undefined;
        const dest = parts.pop()!;
        const target = dest.startsWith('/') ? join(root, dest) : join(cwd, dest);
        for (const source of parts) {
          const origin = from ? join(stageRoots.get(from)!, source) : join(context, source);
          const into = dest.endsWith('/') ? join(target, source.split('/').pop()!) : target;
          mkdirSync(dirname(into), { recursive: true });
          cpSync(origin, into, { recursive: true });
        }
      } else if (keyword === 'RUN') {
        if (/^apt-get\b/.test(args)) continue; // system packages: checked above, not installed here
        // A BuildKit cache mount of the npm cache: the host's npm cache plays it.
        const command = args.replace(/^--mount=type=cache,target=\S+\s+/, '');
        await run('sh', ['-c', command], { cwd, env: { ...process.env, ...env, npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' }, maxBuffer: 16 << 20 });
      }
    }
  }

  before(async () => {
    copyContext();
    for (const stage of STAGES) await buildStage(stage);
  });

  const app = () => join(stageRoots.get(FINAL.name)!, '/app');

  it('the final image holds the build output and production dependencies only', () => {
    for (const path of ['dist/cli.js', 'dist/index.d.ts', 'schemas/wello/task.schema.json', 'fixtures/onlyoffice.json', 'ui/index.html', 'node_modules/express', 'node_modules/ajv']) assert.ok(existsSync(join(app(), path)), path);
    for (const dev of ['typescript', 'tsx', 'eslint', 'supertest', 'playwright-core']) assert.ok(!existsSync(join(app(), 'node_modules', dev)), `${dev} is a dev dependency`);
    assert.ok(!existsSync(join(app(), 'src')), 'no sources in the final image');
  });

  /** ENTRYPOINT + CMD without tini (an init process is the container's business), with the image's ENV. */
  function start(extraEnv: Record<string, string>, extraArgs: string[] = []) {
    const entrypoint = exec(all(FINAL, 'ENTRYPOINT')[0]!).slice(2);
    const cmd = [...exec(all(FINAL, 'CMD')[0]!), ...extraArgs];
    const command = entrypoint[0] === 'node' ? process.execPath : entrypoint[0]!;
    const env = { PATH: process.env.PATH!, ...envOf(FINAL), PORT: '0', ...extraEnv };
    return spawn(command, [...entrypoint.slice(1), ...cmd], { cwd: app(), env, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  it('will not start without TASKSTUB_ADMIN_TOKEN, since HOST is 0.0.0.0', async () => {
    const child = start({});
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    assert.equal(code, 1);
    assert.match(stderr, /reachable from other machines: give an admin token/);
  });

  it('starts with the token and fixtures mounted at /fixtures; the HEALTHCHECK passes; creates work; SIGTERM exits 0', async () => {
    const mounted = join(work, 'fixtures-mount');
    cpSync(join(ROOT, 'fixtures'), mounted, { recursive: true });
    const child = start({ TASKSTUB_ADMIN_TOKEN: 'docker-secret' }, ['--fixtures', mounted]);
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    while (!/listening on http:\/\/0\.0\.0\.0:(\d+)/.test(stdout)) await once(child.stdout!, 'data');
    const port = /listening on http:\/\/0\.0\.0\.0:(\d+)/.exec(stdout)![1]!;
    const url = `http://127.0.0.1:${port}`;
    try {
      const healthcheck = /CMD (node -e .*)$/.exec(all(FINAL, 'HEALTHCHECK')[0]!)![1]!;
      await run('sh', ['-c', healthcheck], { env: { PATH: process.env.PATH!, PORT: port, TASKSTUB_ADMIN_TOKEN: 'docker-secret' } });
      await assert.rejects(run('sh', ['-c', healthcheck], { env: { PATH: process.env.PATH!, PORT: port, TASKSTUB_ADMIN_TOKEN: 'wrong' } }), 'the check fails with a wrong token');
      assert.equal((await fetch(`${url}/__admin/health`)).status, 401);
      const created = await fetch(`${url}/api/2.0/crm/task`, { method: 'POST', headers: { Authorization: 't', 'Content-Type': 'application/json' }, body: JSON.stringify(VALID) });
      assert.equal(created.status, 201);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = (await once(child, 'exit')) as [number];
    assert.equal(code, 0);
  });
});
