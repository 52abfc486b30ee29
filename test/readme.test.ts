// The README as a user reads it: its example file is the one npm test runs, every
// shell snippet pastes and runs as shown against a live stub (each `# → ` line is
// what the command before it prints, `…` standing for anything), its links resolve
// inside the repository, and nothing points outside it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createStub } from '../src/stub.js';
import { ROOT } from './helpers.js';
import { cliCommand, type RunningCli, startCli } from './cli-helpers.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const DOCUMENTED_URL = 'http://127.0.0.1:4010';

interface Command {
  /** The command as a user pastes it (continuation lines joined as the shell joins them). */
  text: string;
  /** What it prints, from the `# → ` lines after it; undefined when the README shows nothing. */
  expected: string | undefined;
  line: number;
}

interface Snippet {
  line: number;
  /** Why the test does not run it, from a `<!-- readme-test: skip (why) -->` line before the fence. */
  skip: string | undefined;
  commands: Command[];
}

/** The ```sh blocks of a Markdown text, each split into its commands and their shown output. */
function shellSnippets(markdown: string): Snippet[] {
  const lines = markdown.split('\n');
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```sh') continue;
    const before = lines.slice(0, i).reverse().find((l) => l.trim() !== '') ?? '';
    const skip = /^<!-- readme-test: skip \((.+)\) -->$/.exec(before)?.[1];
    const snippet: Snippet = { line: i + 1, skip, commands: [] };
    let pending: string[] = [];
    for (i++; lines[i] !== '```'; i++) {
      const line = lines[i]!;
      if (pending.length > 0) {
        pending.push(line);
        if (!line.endsWith('\\')) {
          snippet.commands.push({ text: pending.join('\n'), expected: undefined, line: i + 1 - pending.length + 1 });
          pending = [];
        }
      } else if (line.startsWith('# → ')) {
        const last = snippet.commands.at(-1);
        assert.ok(last, `README line ${i + 1}: output shown before any command`);
        last.expected = last.expected === undefined ? line.slice(4) : `${last.expected}\n${line.slice(4)}`;
      } else if (line.trim() === '' || line.startsWith('#')) continue;
      else if (line.endsWith('\\')) pending = [line];
      else snippet.commands.push({ text: line, expected: undefined, line: i + 1 });
    }
    snippets.push(snippet);
  }
  return snippets;
}

/** Shown output as a pattern: `…` stands for any text, everything else is literal. */
function outputPattern(expected: string): RegExp {
  return new RegExp(`^${expected.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*?')}$`);
}

function runShell(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-e', '-o', 'pipefail', '-c', command], { cwd, env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('README', () => {
  it('shows examples/asserting-on-calls.test.ts as it is (the example runs in npm test)', () => {
    const example = readFileSync(join(ROOT, 'examples', 'asserting-on-calls.test.ts'), 'utf8');
    assert.ok(README.includes(`\`\`\`ts\n${example}\`\`\``), 'README "Use it from your test suite" is out of date');
  });

  it('shows the set-up commands in its quick start', () => {
    const quickStart = README.slice(README.indexOf('## Quick start'), README.indexOf('## Contents'));
    for (const command of ['npm install', 'npm start', '/__admin/ui']) assert.ok(quickStart.includes(command), command);
    assert.ok(README.includes('npm test'));
  });

  it('its table of contents lists every section, in order, with working anchors', () => {
    const headings = [...README.matchAll(/^## (.+)$/gm)].map((m) => m[1]!).filter((h) => !['Quick start', 'Contents'].includes(h));
    const contents = README.slice(README.indexOf('## Contents'), README.indexOf('\n## ', README.indexOf('## Contents') + 1));
    const entries = [...contents.matchAll(/^- \[(.+)\]\(#(.+)\)$/gm)].map((m) => ({ text: m[1]!, anchor: m[2]! }));
    assert.deepEqual(entries.map((e) => e.text), headings);
    for (const { text, anchor } of entries) assert.equal(anchor, text.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-'), text);
  });

  it('its scenario example is a valid scenario', () => {
    const json = /```json\n([\s\S]+?)\n```/.exec(README.slice(README.indexOf('## Scenarios')))![1]!;
    const validate = createStub({ seed: 1 }).context.registry.validator('scenario');
    assert.equal(validate(JSON.parse(json)), true, JSON.stringify(validate.errors));
  });

  describe('every shell snippet pastes and runs as shown, in order, against one fresh stub', () => {
    let stub: RunningCli;
    let cwd: string;
    let env: NodeJS.ProcessEnv;
    before(async () => {
      stub = await startCli(['serve', '--port', '0']);
      // A user's project: the shipped scenarios at fixtures/, and `npx taskstub` running this checkout.
      cwd = mkdtempSync(join(tmpdir(), 'taskstub-readme-'));
      symlinkSync(join(ROOT, 'fixtures'), join(cwd, 'fixtures'));
      const bin = join(cwd, '.bin');
      mkdirSync(bin);
      const npx = join(bin, 'npx');
      const cli = [process.execPath, ...cliCommand()].map((word) => `'${word}'`).join(' ');
      writeFileSync(npx, `#!/bin/sh\n[ "$1" = taskstub ] || { echo "the README test runs only npx taskstub" >&2; exit 127; }\nshift\nexec ${cli} "$@"\n`);
      chmodSync(npx, 0o755);
      env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    });
    after(() => stub.stop());

    const snippets = shellSnippets(README);
    it('finds the snippets, and each one it skips says why', () => {
      assert.ok(snippets.filter((s) => !s.skip).flatMap((s) => s.commands).length >= 15);
      for (const s of snippets) if (s.skip) assert.ok(s.skip.length > 10, `README line ${s.line}`);
    });
    for (const snippet of snippets) {
      if (snippet.skip) continue;
      for (const command of snippet.commands) {
        it(`line ${command.line}: ${command.text.split('\n')[0]!.slice(0, 90)}`, async () => {
          const live = (text: string) => text.replaceAll(DOCUMENTED_URL, stub.url);
          const result = await runShell(live(command.text), cwd, env);
          assert.equal(result.code, 0, `exit ${result.code}: ${result.stderr}`);
          if (command.expected !== undefined) assert.match(result.stdout.trim(), outputPattern(live(command.expected)));
        });
      }
    }
    it('every task the snippets created is valid against the contract: no errors, no contract warnings', async () => {
      const { requests } = (await (await fetch(`${stub.url}/__admin/requests`)).json()) as { requests: { id: number; session: string; response: { status: number }; valid: boolean; warnings: unknown[] }[] };
      // The README's own calls (replay's sessions hold the shipped scenarios' calls).
      const created = requests.filter((entry) => entry.response.status === 201 && ['default', 'job-42'].includes(entry.session));
      assert.ok(created.length >= 5, `${created.length} created`);
      for (const entry of created) assert.deepEqual({ id: entry.id, valid: entry.valid, warnings: entry.warnings }, { id: entry.id, valid: true, warnings: [] });
    });
  });

  it('links only to files that exist in the repository, and never outside it', () => {
    for (const file of ['README.md', 'CONTRIBUTING.md', 'docs/fidelity.md', 'test/data/README.md']) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      assert.doesNotMatch(text, /\.\.\/shared|API-NOTES|SIBLING-ROUTES|SCALE-OUT|DESIGN\.md|STYLE\.md/, file);
      for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        assert.ok(existsSync(join(ROOT, dirname(file), target!)), `${file} links ${target}`);
      }
    }
  });
});
