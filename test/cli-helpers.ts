import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers.js';

export interface RunningCli {
  url: string;
  child: ChildProcess;
  /** What it wrote to stderr so far. */
  stderr(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

const LISTENING = /^taskstub listening on (http:\/\/\S+)$/m;

/**
 * How a test runs the CLI: from the sources through tsx (no build needed, what a single test file run by hand
 * uses), or from dist/ when TASKSTUB_TEST_CLI=dist, which `npm test` sets after building it: a start then
 * costs about 0.4 s instead of 0.9 s, over a hundred starts in the suite.
 */
export function cliCommand(): string[] {
  // tsx by its URL, so that the command runs from any folder (the README test runs it in a user's project).
  if (process.env.TASKSTUB_TEST_CLI !== 'dist') return ['--import', import.meta.resolve('tsx'), join(ROOT, 'src', 'cli.ts')];
  const built = join(ROOT, 'dist', 'cli.js');
  if (!existsSync(built)) throw new Error(`TASKSTUB_TEST_CLI=dist, but ${built} is missing: run npm run build`);
  return [built];
}

/** Starts `taskstub serve` (cliCommand) and waits for its listening line. */
export async function startCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunningCli> {
  const child = spawn(process.execPath, [...cliCommand(), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line after 20 s; stderr: ${stderr}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = LISTENING.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before listening; stderr: ${stderr}`));
    });
  });
  return {
    url,
    child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion (all its output read) and returns its exit code and output. */
export async function runProcess(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Finished> {
  const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

/** Runs the CLI to completion and returns its exit code and output. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Finished> {
  return runProcess(process.execPath, [...cliCommand(), ...args], { env: { ...process.env, ...env } });
}
