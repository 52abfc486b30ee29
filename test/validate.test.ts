import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { validateRequestBody } from '../src/validate.js';
import { runCli } from './cli-helpers.js';
import { SEED_SAMPLE, welloSeedJson, welloSeedXml } from './helpers.js';

function file(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'taskstub-validate-')), name);
  writeFileSync(path, text);
  return path;
}

describe('taskstub validate <onlyoffice|wello> <file>', () => {
  it('accepts the seeds\' samples: ONLYOFFICE JSON, Wello JSON and XML', () => {
    assert.deepEqual(validateRequestBody('onlyoffice', JSON.stringify(SEED_SAMPLE)), []);
    assert.deepEqual(validateRequestBody('wello', welloSeedJson()), []);
    assert.deepEqual(validateRequestBody('wello', welloSeedXml()), []);
  });

  it('names each error of a bad body by its JSON pointer', () => {
    assert.deepEqual(validateRequestBody('onlyoffice', JSON.stringify({ title: 'x', categoryId: 'one', deadline: 'soon' })), [
      { path: '/categoryId', message: 'Input string was not in a correct format.' },
      { path: '/responsibleId', message: "must have required property 'responsibleId'" },
      { path: '/deadline', message: 'must match format "api-datetime"' },
    ]);
    assert.deepEqual(validateRequestBody('wello', '{"subject":"","due_date":"soon"}'), [
      { path: '/due_date', message: "Could not convert string to DateTime: soon. Path 'due_date', line 1, position 31." },
      { path: '/subject', message: 'The subject field is required.' },
    ]);
    assert.deepEqual(validateRequestBody('onlyoffice', '<task><title>x</title><categoryId>1</categoryId><deadline>2026-01-01</deadline><responsibleId>nope</responsibleId></task>'), [
      { path: '/responsibleId', message: 'Guid should contain 32 digits with 4 dashes (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).' },
    ]);
    assert.deepEqual(validateRequestBody('wello', '<task><remark>r</remark></task>'), [{ path: '/subject', message: 'The subject field is required.' }]);
  });

  it('exits 0 for a good body and 1 for a bad one, printing the errors (JSON and XML files)', async () => {
    const good = await runCli(['validate', 'wello', file('task.xml', welloSeedXml())]);
    assert.equal(good.code, 0);
    assert.match(good.stdout, /task\.xml: valid wello request/);
    const goodJson = await runCli(['validate', 'onlyoffice', file('task.json', JSON.stringify(SEED_SAMPLE))]);
    assert.equal(goodJson.code, 0);
    const bad = await runCli(['validate', 'wello', file('bad.json', JSON.stringify({ subject: 'x'.repeat(151), customer_reference: 'y'.repeat(51) }))]);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /bad\.json: invalid wello request/);
    assert.match(bad.stdout, / {2}\/subject: The field subject must be a string or array type with a maximum length of '150'\./);
    assert.match(bad.stdout, / {2}\/customer_reference: The field customer_reference must be/);
    const badXml = await runCli(['validate', 'onlyoffice', file('bad.xml', '<task><title>x</task>')]);
    assert.equal(badXml.code, 1);
    assert.match(badXml.stdout, /\(body\): /);
  });

  it('refuses an unknown API and a missing file', async () => {
    assert.equal((await runCli(['validate', 'jira', file('x.json', '{}')])).code, 1);
    const missing = await runCli(['validate', 'wello', '/nonexistent/task.json']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /ENOENT/);
  });
});
