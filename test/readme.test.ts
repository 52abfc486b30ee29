import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from './helpers.js';

describe('README', () => {
  it('shows examples/asserting-on-calls.test.ts as it is (the example runs in npm test)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const example = readFileSync(join(ROOT, 'examples', 'asserting-on-calls.test.ts'), 'utf8');
    assert.ok(readme.includes(`\`\`\`ts\n${example}\`\`\``), 'README "Asserting on calls" is out of date');
  });

  it('shows the set-up commands', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const command of ['npm install', 'npm start', 'npm test']) assert.ok(readme.includes(command), command);
  });
});
