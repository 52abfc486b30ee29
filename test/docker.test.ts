// The Dockerfile, checked without a Docker engine (there is none here): it is
// parsed, its promises checked (a supported Node LTS base, multi-stage,
// production dependencies only, non-root, an init process, EXPOSE, HOST, a
// /data volume, HEALTHCHECK), and then its build and start steps run by hand:
// each stage is a temp directory standing for its filesystem, COPY copies from
// a temp copy of the build context (.dockerignore applied), RUN runs in the
// stage's WORKDIR with its ENV, and the final stage is started the way
// ENTRYPOINT + CMD start it, in its last WORKDIR. Not run as written: apt-get
// (tini; checked as text) and the line that makes /data (done in the stage's
// directory, since it names an absolute path).
//
// The steps run with this machine's node (20 here), not the image's (26): the
// package's engines is >=20, and what is checked here is the Dockerfile's steps
// and wiring, not Node 26 itself. When the test runs as root, the container runs
// as uid 1000, the node user of the official images, so "writable by node" and
// "readable by node" are checked too; as another user it runs as that user.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
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
const indexOf = (stage: Stage, keyword: string, test: (args: string) => boolean) => stage.instructions.findIndex((i) => i.keyword === keyword && test(i.args));

/** ENV lines as a record (the KEY=value form). */
function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const args of all(stage, 'ENV')) for (const [, key, value] of args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[key!] = value!.replace(/^"|"$/g, '');
  return env;
}

/** HEALTHCHECK [--option=value ...] CMD <exec form or shell form>. */
function healthcheckOf(stage: Stage): { options: Record<string, string>; command: string[] } {
  const m = /^((?:--[\w-]+=\S+\s+)*)CMD\s+(.+)$/.exec(all(stage, 'HEALTHCHECK')[0] ?? '');
  assert.ok(m, 'a HEALTHCHECK ... CMD line');
  const options = Object.fromEntries([...m[1]!.matchAll(/--([\w-]+)=(\S+)/g)].map(([, key, value]) => [key!, value!]));
  // Docker runs the exec form as it stands, the shell form with /bin/sh -c.
  const command = m[2]!.startsWith('[') ? exec(m[2]!) : ['/bin/sh', '-c', m[2]!];
  return { options, command };
}

const seconds = (duration: string) => Number(/^(\d+)s$/.exec(duration)?.[1] ?? NaN);

/** Each Node release line's end of life (the Node.js Release working group's schedule). */
const NODE_END_OF_LIFE: Record<string, string> = { '20': '2026-04-30', '22': '2027-04-30', '24': '2028-04-30', '26': '2029-04-30' };

/** The official node images' `node` user (useradd --uid 1000 --gid node). */
const NODE_UID = 1000;
const NODE_GID = 1000;

describe('the Dockerfile, as written', () => {
  it('is built on a Node LTS line still supported today, the same tag in every stage, pinned to a major and a Debian release', () => {
    const froms = new Set(STAGES.map((s) => s.from));
    assert.equal(froms.size, 1, `one base for all stages, not ${[...froms].join(', ')}`);
    const [from] = froms;
    const m = /^node:(\d+)-(trixie|bookworm)-slim$/.exec(from!);
    assert.ok(m, `${from}: node:<major>-<debian release>-slim`);
    const endOfLife = NODE_END_OF_LIFE[m[1]!];
    assert.ok(endOfLife, `node ${m[1]} is not an LTS line this test knows: add its end of life`);
    // This starts failing the day the image's Node line reaches its end of life: that is its job.
    assert.ok(new Date(`${endOfLife}T23:59:59Z`) > new Date(), `node ${m[1]} reached its end of life on ${endOfLife}: move the image to the Active LTS`);
  });

  it('is multi-stage: a build stage with the dev dependencies, a final stage with `npm ci --omit=dev`', () => {
    assert.ok(STAGES.length >= 2);
    assert.equal(STAGES[0]!.name, 'build');
    assert.ok(all(FINAL, 'RUN').some((r) => /\bnpm ci\b.*--omit=dev/.test(r)));
    assert.ok(all(FINAL, 'COPY').some((c) => c.startsWith('--from=build ')), 'only the build output crosses over');
    assert.ok(!all(FINAL, 'RUN').some((r) => /npm run build|tsc/.test(r)), 'nothing is compiled in the final stage');
  });

  it('runs as a non-root user under tini, exposes 4010 and binds 0.0.0.0', () => {
    assert.deepEqual(all(FINAL, 'USER'), ['node']);
    const entrypoint = exec(all(FINAL, 'ENTRYPOINT')[0]!);
    assert.deepEqual(entrypoint.slice(0, 2), ['/usr/bin/tini', '--'], 'the path Debian\'s tini package installs');
    assert.ok(all(FINAL, 'RUN').some((r) => /apt-get install .*\btini\b/.test(r)));
    assert.deepEqual(all(FINAL, 'EXPOSE'), ['4010']);
    assert.equal(envOf(FINAL).HOST, '0.0.0.0');
    assert.equal(envOf(FINAL).PORT, '4010');
  });

  it('declares /data a volume, made and given to node before VOLUME, and works in it', () => {
    const volume = indexOf(FINAL, 'VOLUME', (a) => a === '/data' || a === '["/data"]');
    assert.ok(volume >= 0, 'VOLUME /data');
    const made = indexOf(FINAL, 'RUN', (a) => /\bmkdir -p \/data\b/.test(a) && /\bchown node:node \/data\b/.test(a));
    assert.ok(made >= 0 && made < volume, 'made and owned by node before VOLUME (the legacy builder drops later changes)');
    assert.equal(all(FINAL, 'WORKDIR').at(-1), '/data', 'relative --journal-file and --junit paths land in the volume');
    assert.ok(exec(all(FINAL, 'ENTRYPOINT')[0]!).includes('/app/dist/cli.js'), 'the CLI by its absolute path, since the WORKDIR is /data');
  });

  it('checks liveness at /__admin/health/live, which needs no token, in exec form, within a timeout', () => {
    const { options, command } = healthcheckOf(FINAL);
    assert.equal(command[0], 'node', 'exec form: no shell between Docker and the check');
    assert.match(command.join(' '), /\/__admin\/health\/live\b/);
    assert.match(command.join(' '), /process\.env\.PORT/, 'the port the image\'s PORT names');
    assert.doesNotMatch(command.join(' '), /TASKSTUB_ADMIN_TOKEN|Authorization/, 'the check holds no secret');
    assert.ok(seconds(options.timeout!) > 0 && seconds(options.timeout!) <= seconds(options.interval!));
    assert.ok(seconds(options['start-period']!) > 0, 'a start period: a check during start-up does not count');
  });

  it('keeps node_modules, dist, .git and the tests out of the build context, and README and LICENSE in (the image copies them)', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const name of ['node_modules', 'dist', '.git', 'test']) assert.ok(ignored.includes(name), name);
    for (const name of ['README.md', 'LICENSE']) assert.ok(!ignored.includes(name), name);
  });
});

describe('the Dockerfile, run by hand', () => {
  const work = mkdtempSync(join(tmpdir(), 'taskstub-docker-'));
  // mkdtemp makes it 0700: the node user must reach the image's files through it.
  chmodSync(work, 0o755);
  const context = join(work, 'context');
  const stageRoots = new Map<string, string>();
  const asRoot = process.getuid?.() === 0;

  /** A temp copy of the repository as the build context: .dockerignore applied (names and `*.ext` at the top). */
  function copyContext(): void {
    const patterns = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').filter(Boolean);
    const ignored = (entry: string) => patterns.some((p) => (p.startsWith('*') ? entry.endsWith(p.slice(1)) : entry === p));
    for (const entry of readdirSync(ROOT)) if (!ignored(entry)) cpSync(join(ROOT, entry), join(context, entry), { recursive: true });
  }

  /** The final stage's line that makes /data: `mkdir -p /data && chown node:node /data`. */
  const MAKE_OWNED_DIR = /^mkdir -p (\/\S+) && chown node:node \1$/;

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
        const owned = MAKE_OWNED_DIR.exec(args);
        if (owned) {
          // An absolute path: made in the stage's directory instead, and given to uid 1000 where we may.
          mkdirSync(join(root, owned[1]!), { recursive: true });
          if (asRoot) chownSync(join(root, owned[1]!), NODE_UID, NODE_GID);
          continue;
        }
        // A BuildKit cache mount of the npm cache: the host's npm cache plays it.
        const command = args.replace(/^--mount=type=cache,target=\S+\s+/, '');
        // Run here, an absolute path would be this machine's, not the stage's.
        assert.doesNotMatch(command, /(^|[\s=])\//, `RUN ${command}: names an absolute path, which this test cannot run by hand`);
        await run('sh', ['-c', command], { cwd, env: { ...process.env, ...env, npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' }, maxBuffer: 16 << 20 });
      }
    }
  }

  before(async () => {
    copyContext();
    for (const stage of STAGES) await buildStage(stage);
  });

  /** A path in the final image, as a path on this machine. */
  const inImage = (path: string) => join(stageRoots.get(FINAL.name)!, path);
  const DATA = () => inImage('/data');
  /** The uid and gid the container runs as: node's, when we may switch to it. */
  const user = () => (asRoot ? { uid: NODE_UID, gid: NODE_GID } : {});

  it('the final image holds the build output, production dependencies, the README and LICENSE, and an empty /data of node\'s', () => {
    for (const path of ['dist/cli.js', 'dist/index.d.ts', 'schemas/wello/task.schema.json', 'fixtures/onlyoffice.json', 'ui/index.html', 'README.md', 'LICENSE', 'node_modules/express', 'node_modules/ajv']) assert.ok(existsSync(inImage(join('/app', path))), path);
    for (const dev of ['typescript', 'tsx', 'eslint', 'supertest', 'playwright-core']) assert.ok(!existsSync(inImage(join('/app/node_modules', dev))), `${dev} is a dev dependency`);
    assert.ok(!existsSync(inImage('/app/src')), 'no sources in the final image');
    assert.deepEqual(readdirSync(DATA()), []);
    if (asRoot) assert.equal(statSync(DATA()).uid, NODE_UID);
  });

  /** The container's environment: the image's ENV, then `docker run -e`; PORT 0, since tests never take a fixed port. */
  const containerEnv = (extra: Record<string, string>) => ({ PATH: process.env.PATH!, ...envOf(FINAL), PORT: '0', ...extra });

  /** ENTRYPOINT + CMD (or `docker run IMAGE args...`, which replaces CMD) without tini (an init process is the container's business), in the last WORKDIR. */
  function start(extraEnv: Record<string, string>, cmd: string[] = exec(all(FINAL, 'CMD')[0]!)): ChildProcess {
    const entrypoint = exec(all(FINAL, 'ENTRYPOINT')[0]!).slice(2);
    const command = entrypoint[0] === 'node' ? process.execPath : entrypoint[0]!;
    const args = entrypoint.slice(1).map((arg) => (arg.startsWith('/') ? inImage(arg) : arg));
    return spawn(command, [...args, ...cmd], { cwd: inImage(all(FINAL, 'WORKDIR').at(-1)!), env: containerEnv(extraEnv), stdio: ['ignore', 'pipe', 'pipe'], ...user() });
  }

  /** Runs a container to its end: its exit code and what it wrote. */
  async function runToEnd(extraEnv: Record<string, string>, cmd?: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const child = start(extraEnv, cmd);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    return { code, stdout, stderr };
  }

  interface Container {
    url: string;
    port: string;
    env: Record<string, string>;
    /** SIGTERM, as `docker stop` sends it (through tini): the exit code. */
    stop(): Promise<number>;
  }

  /** `docker run` of a server: resolves once it listens, rejects if it exits first. */
  async function serve(extraEnv: Record<string, string>, extraArgs: string[] = []): Promise<Container> {
    const child = start(extraEnv, [...exec(all(FINAL, 'CMD')[0]!), ...extraArgs]);
    const exited = once(child, 'exit') as Promise<[number]>;
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const port = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const m = /listening on http:\/\/0\.0\.0\.0:(\d+)/.exec(stdout);
        if (m) resolve(m[1]!);
      });
      void exited.then(([code]) => reject(new Error(`the container exited with ${code} before listening: ${stderr}`)));
    });
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      env: containerEnv(extraEnv),
      async stop() {
        child.kill('SIGTERM');
        return (await exited)[0];
      },
    };
  }

  /**
   * The HEALTHCHECK run as Docker runs it: inside the container (its environment,
   * WORKDIR and USER), killed after --timeout; 0 is healthy. The one change: PORT is
   * the port the server took (0 in the container's env, since tests take no fixed port).
   */
  async function healthcheck(container: Pick<Container, 'env' | 'port'>): Promise<number> {
    const { options, command } = healthcheckOf(FINAL);
    const [file, ...args] = command;
    try {
      await run(file === 'node' ? process.execPath : file!, args, { cwd: inImage(all(FINAL, 'WORKDIR').at(-1)!), env: { ...container.env, PORT: container.port }, timeout: seconds(options.timeout!) * 1000, ...user() });
      return 0;
    } catch (error) {
      const { code } = error as { code?: unknown };
      return typeof code === 'number' ? code : -1;
    }
  }

  it('will not start without an admin token, since HOST is 0.0.0.0, and says why', async () => {
    for (const env of [{}, { TASKSTUB_ADMIN_TOKEN: '' }, { TASKSTUB_ADMIN_TOKEN_FILE: '' }] as Record<string, string>[]) {
      const { code, stdout, stderr } = await runToEnd(env);
      assert.equal(code, 1, JSON.stringify(env));
      assert.equal(stdout, '');
      assert.match(stderr, /--host 0\.0\.0\.0 is reachable from other machines: give an admin token \(--admin-token, TASKSTUB_ADMIN_TOKEN or --admin-token-file\)/);
    }
  });

  it('will not start on an admin token file it cannot use, and says which and why', async () => {
    const secrets = mkdtempSync(join(work, 'secrets-'));
    chmodSync(secrets, 0o755);
    const missing = join(secrets, 'missing');
    const failures: [Record<string, string>, string[], RegExp][] = [
      [{ TASKSTUB_ADMIN_TOKEN_FILE: missing }, [], /cannot read the admin token file .*missing: ENOENT/],
      [{}, ['--admin-token-file', missing], /cannot read the admin token file .*missing: ENOENT/],
      [{ TASKSTUB_ADMIN_TOKEN_FILE: secrets }, [], /cannot read the admin token file .*secrets-\w+: EISDIR/],
    ];
    const empty = join(secrets, 'empty');
    writeFileSync(empty, '\n');
    failures.push([{ TASKSTUB_ADMIN_TOKEN_FILE: empty }, [], /the admin token file .*empty is empty/]);
    const twoLines = join(secrets, 'two-lines');
    writeFileSync(twoLines, 'one\ntwo\n');
    failures.push([{ TASKSTUB_ADMIN_TOKEN_FILE: twoLines }, [], /the admin token file .*two-lines holds more than one line/]);
    const good = join(secrets, 'token');
    writeFileSync(good, 'from-file\n');
    failures.push([{ TASKSTUB_ADMIN_TOKEN: 'from-env', TASKSTUB_ADMIN_TOKEN_FILE: good }, [], /give the admin token one way: .* not both/]);
    if (asRoot) {
      // A secret mounted readable by root only: the node user cannot read it.
      const rootOnly = join(secrets, 'root-only');
      writeFileSync(rootOnly, 'secret\n', { mode: 0o600 });
      failures.push([{ TASKSTUB_ADMIN_TOKEN_FILE: rootOnly }, [], /cannot read the admin token file .*root-only: EACCES/]);
    }
    for (const [env, args, message] of failures) {
      const { code, stdout, stderr } = await runToEnd(env, ['serve', ...args]);
      assert.equal(code, 1, `${JSON.stringify(env)} ${args.join(' ')}`);
      assert.equal(stdout, '');
      assert.match(stderr, new RegExp(`^taskstub: ${message.source}`), JSON.stringify(env));
    }
  });

  // However the server is given its token, the check passes without it, the admin API needs it, and the check fails once the server is down.
  const secretFile = () => {
    const dir = mkdtempSync(join(work, 'run-secrets-'));
    chmodSync(dir, 0o755);
    // As `echo token > file` or `docker secret create` from a file leaves it: with a newline.
    writeFileSync(join(dir, 'taskstub_admin_token'), 'from-file\n');
    return join(dir, 'taskstub_admin_token');
  };
  const sources: [string, () => { env: Record<string, string>; args: string[]; token: string }][] = [
    ['the environment (-e TASKSTUB_ADMIN_TOKEN)', () => ({ env: { TASKSTUB_ADMIN_TOKEN: 'from-env' }, args: [], token: 'from-env' })],
    ['the command (serve --admin-token)', () => ({ env: {}, args: ['--admin-token', 'from-flag'], token: 'from-flag' })],
    ['a secret file (-e TASKSTUB_ADMIN_TOKEN_FILE=/run/secrets/...)', () => ({ env: { TASKSTUB_ADMIN_TOKEN_FILE: secretFile() }, args: [], token: 'from-file' })],
    ['a secret file (serve --admin-token-file)', () => ({ env: {}, args: ['--admin-token-file', secretFile()], token: 'from-file' })],
  ];
  for (const [source, given] of sources) {
    it(`with the token from ${source}: the HEALTHCHECK passes without it, the admin API needs it, the check fails once the server is down`, async () => {
      const { env, args, token } = given();
      const container = await serve(env, args);
      try {
        assert.equal(await healthcheck(container), 0);
        const live = await fetch(`${container.url}/__admin/health/live`);
        assert.equal(live.status, 200);
        assert.deepEqual(await live.json(), { status: 'ok' }, 'liveness tells nothing else');
        assert.equal((await fetch(`${container.url}/__admin/health`)).status, 401);
        assert.equal((await fetch(`${container.url}/__admin/requests`)).status, 401);
        assert.equal((await fetch(`${container.url}/__admin/health`, { headers: { Authorization: `Bearer ${token}x` } })).status, 401);
        assert.equal((await fetch(`${container.url}/__admin/health`, { headers: { Authorization: `Bearer ${token}` } })).status, 200);
      } finally {
        assert.equal(await container.stop(), 0, 'SIGTERM exits 0');
      }
      assert.notEqual(await healthcheck(container), 0, 'unhealthy with the server down');
    });
  }

  it('serves fixtures mounted at /fixtures, writes --journal-file /data/journal.jsonl, replay writes its JUnit report into /data; SIGTERM exits 0', async () => {
    const mounted = join(work, 'fixtures-mount');
    cpSync(join(ROOT, 'fixtures'), mounted, { recursive: true });
    const env = { TASKSTUB_ADMIN_TOKEN: 'docker-secret' };
    const container = await serve(env, ['--fixtures', mounted, '--journal-file', inImage('/data/journal.jsonl')]);
    try {
      const created = await fetch(`${container.url}/api/2.0/crm/task`, { method: 'POST', headers: { Authorization: 't', 'Content-Type': 'application/json' }, body: JSON.stringify(VALID) });
      assert.equal(created.status, 201);
      // `docker run -v "$PWD/out:/data" ... taskstub replay /app/fixtures/scenarios --target ... --junit report.xml`: a relative path lands in the WORKDIR, /data.
      const replay = await runToEnd(env, ['replay', inImage('/app/fixtures/scenarios'), '--target', container.url, '--junit', 'report.xml']);
      assert.equal(replay.code, 0, replay.stdout + replay.stderr);
      assert.match(readFileSync(join(DATA(), 'report.xml'), 'utf8'), /<testsuites?\b/);
    } finally {
      assert.equal(await container.stop(), 0);
    }
    const entries = readFileSync(join(DATA(), 'journal.jsonl'), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as { api: string; issued?: { taskId?: number } });
    assert.equal(entries[0]!.api, 'onlyoffice');
    assert.equal(entries[0]!.issued?.taskId, 1);
    assert.ok(entries.length > 1, 'the replay\'s calls are in it too');
    if (asRoot) assert.equal(statSync(join(DATA(), 'journal.jsonl')).uid, NODE_UID, 'written by the node user');
  });
});
