import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cliCommand, runCli, runProcess, startCli } from './cli-helpers.js';
import { fixturesWith, ROOT, TOKEN, VALID } from './helpers.js';

describe('taskstub serve (README, Command line)', () => {
  it('prints "taskstub listening on http://HOST:PORT" with the real port for --port 0, creates a task, and exits 0 on SIGTERM', async () => {
    const cli = await startCli(['serve', '--port', '0']);
    try {
      assert.match(cli.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.notEqual(cli.url, 'http://127.0.0.1:0');
      const res = await fetch(`${cli.url}/api/2.0/crm/task`, { method: 'POST', headers: { ...TOKEN, 'Content-Type': 'application/json' }, body: JSON.stringify(VALID) });
      assert.equal(res.status, 201);
      assert.equal(((await res.json()) as { response: { id: number } }).response.id, 1);
    } finally {
      assert.equal(await cli.stop(), 0);
    }
  });

  it('prints the listening line first, then a line naming the live page', async () => {
    const child = spawn(process.execPath, [...cliCommand(), 'serve', '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      let stdout = '';
      for await (const chunk of child.stdout) {
        stdout += (chunk as Buffer).toString();
        if (stdout.split('\n').length > 2) break;
      }
      const [listening, live] = stdout.split('\n');
      const url = /^taskstub listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(listening!)?.[1];
      assert.ok(url, `first line: ${listening}`);
      assert.equal(live, `live page: ${url}/__admin/ui`);
      assert.equal((await fetch(`${url}/__admin/ui`)).status, 200);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('serves without a subcommand too, taking PORT and HOST from the environment', async () => {
    const cli = await startCli([], { PORT: '0', HOST: '127.0.0.1' });
    try {
      const res = await fetch(`${cli.url}/__admin/health`);
      assert.equal(((await res.json()) as { status: string }).status, 'ok');
    } finally {
      assert.equal(await cli.stop(), 0);
    }
  });

  it('--low-memory serves the same answers (the memory it saves is measured by npm run bench)', async () => {
    const cli = await startCli(['--port', '0', '--low-memory', '--seed', '5', '--clock', '2026-11-24T10:00:00Z']);
    const plain = await startCli(['--port', '0', '--seed', '5', '--clock', '2026-11-24T10:00:00Z']);
    try {
      const create = async (url: string) => (await fetch(`${url}/api/2.0/crm/task`, { method: 'POST', headers: { ...TOKEN, 'Content-Type': 'application/json' }, body: JSON.stringify(VALID) })).text();
      assert.equal(await create(cli.url), await create(plain.url));
      const health = (await (await fetch(`${cli.url}/__admin/health`)).json()) as { memory: { rssMb: number; heapUsedMb: number } };
      assert.ok(health.memory.rssMb > 0 && health.memory.heapUsedMb > 0);
    } finally {
      assert.equal(await cli.stop(), 0);
      assert.equal(await plain.stop(), 0);
    }
  });

  it('finishes a request in flight before exiting on SIGTERM', async () => {
    const cli = await startCli(['--port', '0']);
    // A body sent slowly: the request is in flight when the signal arrives.
    const { request } = await import('node:http');
    const url = new URL(`${cli.url}/api/2.0/crm/task`);
    const answer = new Promise<number>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { ...TOKEN, 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write(JSON.stringify(VALID).slice(0, 10));
      setTimeout(() => req.end(JSON.stringify(VALID).slice(10)), 300);
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const exit = cli.stop();
    assert.equal(await answer, 201);
    assert.equal(await exit, 0);
  });

  it('stops the start with a message naming the fixture file and the field when a fixture is bad', async () => {
    const dir = fixturesWith((data) => ((data.categories as { title: unknown }[])[2]!.title = 7));
    const result = await runCli(['--port', '0', '--fixtures', dir]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /onlyoffice\.json: field \/categories\/2\/title must be string/);
  });

  it('refuses an unknown flag (exit 2, a usage error: the help and what is wrong)', async () => {
    const unknown = await runCli(['--port', '0', '--no-such-flag']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /\n\nUnknown arguments?: (no-)?such-flag/);
    assert.equal(unknown.stdout, '');
  });

  // Each a wrong command line: exit 2, the help, then one line naming the option, before anything starts.
  const badValues: [string[], RegExp][] = [
    [['--seed', 'abc'], /^--seed \(not a number\): must be a whole number/],
    [['--seed', '1.5'], /^--seed 1\.5: must be a whole number/],
    [['--seed', '123456789012345678901'], /^--seed 123456789012345680000: must be a whole number \(at most 9007199254740991 either side of 0\)/],
    [['--port', '70000'], /^--port 70000: must be a port, a whole number from 0 to 65535/],
    [['--port', 'abc'], /^--port \(not a number\): must be a port/],
    [['--port', '-1'], /^--port -1: must be a port/],
    [['--body-limit', 'abc'], /^--body-limit: not a size: abc/],
    [['--journal-limit', '-1'], /^--journal-limit -1: must be a whole number of calls from 1 to 10000000/],
    [['--journal-limit', '1e12'], /^--journal-limit 1000000000000: must be/],
    [['--shutdown-grace', 'soon'], /^--shutdown-grace \(not a number\): must be a whole number of milliseconds/],
    [['--clock', 'garbage'], /^--clock: not an ISO 8601 time: garbage/],
    [['--clock', '+275760-09-13T00:00:00Z'], /^--clock: \+275760-09-13T00:00:00Z is outside the years 1-9999/],
    [['--cors', 'maybe'], /^Invalid values:\n {2}Argument: cors, Given: "maybe", Choices: "on", "off"/],
    [['--auth', 'sometimes'], /^Invalid values:\n {2}Argument: auth, Given: "sometimes"/],
    [['--journal-file', ''], /^--journal-file needs a value/],
    [['--host', ''], /^--host needs a value/],
  ];
  for (const [args, said] of badValues) {
    it(`refuses ${args.map((a) => a || "''").join(' ')}: exit 2, naming the option`, async () => {
      const result = await runCli(['--port', '0', ...args]);
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.stdout, '', 'nothing started');
      const message = result.stderr.slice(result.stderr.lastIndexOf('\n\n') + 2);
      assert.match(message, said);
    });
  }

  it('a repeated single-value flag takes the last value (a flag after a script\'s own wins); repeatable ones keep every value', async () => {
    const cli = await startCli(['--host', '0.0.0.0', '--host', '127.0.0.1', '--port', '1', '--port', '0', '--seed', '1', '--seed', '9', '--journal-limit', '5', '--journal-limit', '7', '--admin-token', 'first', '--admin-token', 'second']);
    try {
      assert.match(cli.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const health = (await (await fetch(`${cli.url}/__admin/health`, { headers: { Authorization: 'Bearer second' } })).json()) as { seed: number; journal: { limit: number } };
      assert.equal(health.seed, 9);
      assert.equal(health.journal.limit, 7);
      assert.equal((await fetch(`${cli.url}/__admin/health`, { headers: { Authorization: 'Bearer first' } })).status, 401);
    } finally {
      assert.equal(await cli.stop(), 0);
    }
    const file = join(mkdtempSync(join(tmpdir(), 'taskstub-journal-')), 'calls.jsonl');
    const twoFiles = await startCli(['--port', '0', '--journal-file', join(tmpdir(), 'no-such-dir-taskstub', 'x.jsonl'), '--journal-file', file, '--cors-origin', 'http://a.example', '--cors-origin', 'http://b.example']);
    try {
      const res = await fetch(`${twoFiles.url}/api/Task`, { method: 'OPTIONS', headers: { Origin: 'http://a.example', 'Access-Control-Request-Method': 'POST' } });
      assert.equal(res.headers.get('access-control-allow-origin'), 'http://a.example', 'both --cors-origin values kept');
      const other = await fetch(`${twoFiles.url}/api/Task`, { method: 'OPTIONS', headers: { Origin: 'http://b.example', 'Access-Control-Request-Method': 'POST' } });
      assert.equal(other.headers.get('access-control-allow-origin'), 'http://b.example');
    } finally {
      assert.equal(await twoFiles.stop(), 0, 'the first --journal-file (a missing folder) was not used');
    }
  });
});

const PROJECT_VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * A consumer project with taskstub installed in its node_modules, as npm lays it
 * out: yargs hoisted beside it, the consumer's own package.json at the top.
 * Symlinks, run with --preserve-symlinks so that node resolves modules from
 * where they seem to be (as it would from real copies).
 */
function consumerProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'taskstub-consumer-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '9.9.9' }));
  const modules = join(dir, 'node_modules');
  mkdirSync(join(modules, 'taskstub'), { recursive: true });
  for (const name of readdirSync(join(ROOT, 'node_modules'))) symlinkSync(join(ROOT, 'node_modules', name), join(modules, name));
  for (const name of ['package.json', 'src', 'dist', 'schemas', 'fixtures', 'ui', 'tsconfig.json']) symlinkSync(join(ROOT, name), join(modules, 'taskstub', name));
  return dir;
}

const run = (command: string, args: string[], cwd: string) => runProcess(command, args, { cwd });

describe('taskstub --version', () => {
  it(`prints taskstub's own version (${PROJECT_VERSION}) when installed in a project of another version, from src/ (tsx)`, async () => {
    const dir = consumerProject();
    // yargs' own guess reads the package.json above the node_modules yargs is in: the consumer's (9.9.9).
    const result = await run(process.execPath, ['--preserve-symlinks', '--preserve-symlinks-main', '--import', 'tsx', 'node_modules/taskstub/src/cli.ts', '--version'], dir);
    assert.equal(result.stdout, `${PROJECT_VERSION}\n`, result.stderr);
  });

  it('and from dist/', { skip: existsSync(join(ROOT, 'dist', 'cli.js')) ? false : 'dist/cli.js is not built (npm test builds it first)' }, async () => {
    const dir = consumerProject();
    const result = await run(process.execPath, ['--preserve-symlinks', '--preserve-symlinks-main', 'node_modules/taskstub/dist/cli.js', '--version'], dir);
    assert.equal(result.stdout, `${PROJECT_VERSION}\n`, result.stderr);
  });
});

/** Whether something accepts connections on this port of 127.0.0.1. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('npm start and npm run dev pass SIGTERM on to the server', () => {
  // npm runs a script as `sh -c "<script>"` and sends the signal to that sh; dash, Debian's sh,
  // does not exec the command and dies without passing the signal on: the server kept the port.
  // The scripts `exec` the server, so the signal reaches it.
  for (const [script, skip] of [
    ['start', existsSync(join(ROOT, 'dist', 'cli.js')) ? false : 'dist/cli.js is not built (npm test builds it first)'],
    ['dev', false],
  ] as const) {
    it(`npm ${script === 'start' ? 'start' : 'run dev'} -- --port 0: SIGTERM to npm stops the server and frees its port`, { skip }, async () => {
      const npm = spawn('npm', ['run', script, '--silent', '--', '--port', '0'], {
        cwd: ROOT,
        env: { ...process.env, npm_config_update_notifier: 'false' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      npm.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listening line after 20 s; stderr: ${stderr}`)), 20_000);
        npm.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const m = /^taskstub listening on http:\/\/127\.0\.0\.1:(\d+)$/m.exec(stdout);
          if (m) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        });
      });
      assert.equal(await accepts(port), true);
      const exited = once(npm, 'exit');
      npm.kill('SIGTERM');
      await exited;
      // The server may take a moment after npm to close: give it 5 s.
      let open = true;
      for (let i = 0; i < 50 && open; i++) {
        open = await accepts(port);
        if (open) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(open, false, `port ${port} is still served after npm got SIGTERM`);
    });
  }
});

describe('taskstub --help', () => {
  const SERVE_FLAGS = ['--port', '--host', '--seed', '--clock', '--fixtures', '--journal-limit', '--cors', '--watch', '--log'];

  it('lists the commands with examples, and not serve\'s flags (they are not every command\'s)', async () => {
    const { code, stdout } = await runCli(['--help']);
    assert.equal(code, 0);
    for (const command of ['serve', 'replay <paths..>', 'validate <api> <file>', 'openapi']) assert.match(stdout, new RegExp(`taskstub ${command.replace(/[.<>]/g, '\\$&')} `));
    assert.match(stdout, /\nExamples:\n {2}taskstub {2,}Serve on http:\/\/127\.0\.0\.1:4010/);
    for (const flag of SERVE_FLAGS) assert.doesNotMatch(stdout, new RegExp(`^ +${flag} `, 'm'), flag);
  });

  it('serve --help: every flag described, with examples', async () => {
    const { code, stdout } = await runCli(['serve', '--help']);
    assert.equal(code, 0);
    for (const flag of SERVE_FLAGS) assert.match(stdout, new RegExp(`^ +${flag} +\\S`, 'm'), `${flag} is listed with a description`);
    assert.match(stdout, /\nExamples:\n {2}taskstub serve /);
    assert.match(stdout, /taskstub serve --port 0 --seed 1/);
  });

  it('replay --help: its own flags only, paths described without [default: []], examples and exit codes', async () => {
    const { code, stdout } = await runCli(['replay', '--help']);
    assert.equal(code, 0);
    assert.match(stdout, /^ +paths +Scenario files \(\*\.json\) or directories of them +\[array\] \[required\]$/m);
    assert.doesNotMatch(stdout, /default: \[\]/);
    for (const flag of ['--target', '--grep', '--bail', '--timeout', '--reporter', '--junit', '--auth', '--admin-token']) assert.match(stdout, new RegExp(`^ +${flag} +\\S`, 'm'), flag);
    for (const flag of SERVE_FLAGS) assert.doesNotMatch(stdout, new RegExp(`^ +${flag} `, 'm'), `${flag} is serve's`);
    assert.match(stdout, /\nExamples:\n {2}taskstub replay fixtures\/scenarios/);
    assert.match(stdout, /Exit codes: 0 every scenario passed[\s\S]*; 1 a step failed[\s\S]*; 2 replay cannot run as asked/);
  });

  it('openapi --help: its flag, with examples', async () => {
    const { stdout } = await runCli(['openapi', '--help']);
    assert.match(stdout, /^ +--server +The URL/m);
    assert.match(stdout, /\nExamples:\n {2}taskstub openapi > taskstub\.openapi\.json/);
  });

  it('validate --help: both positionals described, with examples', async () => {
    const { stdout } = await runCli(['validate', '--help']);
    assert.match(stdout, /^ +api +Whose request it is/m);
    assert.match(stdout, /^ +file +The body: /m);
    assert.match(stdout, /\nExamples:\n {2}taskstub validate onlyoffice task\.json/);
  });
});
