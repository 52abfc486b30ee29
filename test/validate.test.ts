import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ERRORS } from '../src/apis/onlyoffice/errors.js';
import { createApp } from '../src/app.js';
import { bodyKind, validateRequestBody } from '../src/validate.js';
import { runCli } from './cli-helpers.js';
import request from 'supertest';
import { FIXED, SEED_SAMPLE, TOKEN, welloSeedJson, welloSeedXml } from './helpers.js';

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
      // Binding failures in parameter order (deadline before categoryId; ApiDateTime.Parse's length check: no value), then the schema's.
      { path: '/deadline', message: 'invalid date time format' },
      { path: '/categoryId', message: 'Input string was not in a correct format.' },
      { path: '/responsibleId', message: "must have required property 'responsibleId'" },
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

  it('a Wello XML value that does not convert is the body\'s error, the only one: XmlMediaTypeFormatter.ReadFromStream logs it under task alone', () => {
    // The JSON body above gives /due_date and /subject; the same values in XML give one error for the whole body.
    assert.deepEqual(validateRequestBody('wello', '<task><due_date>soon</due_date><subject></subject></task>'), [
      { path: '', message: "There was an error deserializing the object of type task. The value 'soon' cannot be parsed as the type 'DateTime'." },
    ]);
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

  it('refuses an unknown API (exit 2, a usage error) and a missing file', async () => {
    assert.equal((await runCli(['validate', 'jira', file('x.json', '{}')])).code, 2);
    const missing = await runCli(['validate', 'wello', '/nonexistent/task.json']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /ENOENT/);
  });
});

describe('taskstub validate: form fields, and the server\'s wording', () => {
  const FORM = `title=Call&deadline=2026-12-01T10-00-00.000Z&categoryId=1&responsibleId=${SEED_SAMPLE.responsibleId}`;

  it('reads a file that is neither JSON nor XML as form fields, as the ONLYOFFICE server reads any other content type', async () => {
    assert.equal(bodyKind('task.form', FORM), 'form');
    assert.equal(bodyKind('task.txt', ' {"title":"x"}'), 'json');
    assert.equal(bodyKind('task', '<task/>'), 'xml');
    assert.equal(bodyKind('task.json', FORM), 'json', 'the name says JSON');
    assert.deepEqual(validateRequestBody('onlyoffice', FORM, 'form'), []);
    assert.deepEqual(validateRequestBody('onlyoffice', 'title=x&categoryId=one&deadline=2026-12-01', 'form'), [
      { path: '/categoryId', message: 'Input string was not in a correct format.' },
      { path: '/responsibleId', message: "must have required property 'responsibleId'" },
    ]);
    const good = await runCli(['validate', 'onlyoffice', file('task.form', FORM)]);
    assert.equal(good.code, 0, good.stdout + good.stderr);
    assert.equal(good.stdout.trim().endsWith('task.form: valid onlyoffice request (read as form fields)'), true, good.stdout);
    // Wello's Web API has no formatter for a form: 415, which validate says.
    const wello = await runCli(['validate', 'wello', file('task.txt', 'subject=x')]);
    assert.equal(wello.code, 1);
    assert.match(wello.stdout, /\(body\): The request entity's media type 'application\/x-www-form-urlencoded' is not supported for this resource\./);
  });

  it('words a bad deadline as the server answers it, in a form, JSON or XML (parameter names in any case)', async () => {
    const form = FORM.replace('deadline=2026-12-01T10-00-00.000Z', 'Deadline=2026-13-01');
    const res = await request(createApp(FIXED)).post('/api/2.0/crm/task').set(TOKEN).type('form').send(form);
    const answered = (res.body as { error: { message: string } }).error.message;
    assert.equal(answered, `${ERRORS.invalidDate.message}2026-13-01`);
    assert.deepEqual(validateRequestBody('onlyoffice', form, 'form'), [{ path: '/deadline', message: answered }]);
    const json = JSON.stringify({ ...SEED_SAMPLE, deadline: '2026-13-01' });
    assert.deepEqual(validateRequestBody('onlyoffice', json), [{ path: '/deadline', message: answered }]);
    const xml = `<task><title>x</title><categoryId>1</categoryId><DEADLINE>2026-13-01</DEADLINE><responsibleId>${SEED_SAMPLE.responsibleId}</responsibleId></task>`;
    assert.deepEqual(validateRequestBody('onlyoffice', xml), [{ path: '/deadline', message: answered }]);
    const cli = await runCli(['validate', 'onlyoffice', file('bad.form', form)]);
    assert.equal(cli.code, 1);
    assert.match(cli.stdout, /bad\.form: invalid onlyoffice request \(read as form fields\)\n {2}\/deadline: invalid date time format: 2026-13-01\n$/);
  });
});
