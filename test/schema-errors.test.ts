import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { explainErrors } from '../src/core/schema-errors.js';
import { createStub } from '../src/stub.js';
import { agent } from './helpers.js';

const MATCHER_KEYS = 'session, api, method, path, status, body';

describe('admin input errors name what is wrong (core/schema-errors.ts)', () => {
  it('an unknown matcher key in POST /__admin/requests/count is named, with the keys a matcher knows', async () => {
    const res = await agent().post('/__admin/requests/count').send({ pathh: '/api/Task' });
    assert.equal(res.status, 400);
    assert.match(res.headers['content-type']!, /^application\/problem\+json/);
    assert.deepEqual(res.body.errors, [{ pointer: '/', message: `unknown matcher key "pathh" (did you mean "path"?); known keys: ${MATCHER_KEYS}` }]);
    assert.equal(res.body.detail, `The body is not a matcher. Unknown matcher key "pathh" (did you mean "path"?); known keys: ${MATCHER_KEYS}.`);
  });

  it('in POST /__admin/verify, the key and the verification\'s keys (its counts and a matcher\'s); two counts that exclude each other are named', async () => {
    const app = agent();
    const typo = await app.post('/__admin/verify').send({ api: 'wello', bdy: { subject: 'x' }, count: 1 });
    assert.equal(typo.status, 400);
    assert.equal(typo.body.errors[0].message, `unknown verification key "bdy" (did you mean "body"?); known keys: count, atLeast, atMost, ${MATCHER_KEYS}`);
    const both = await app.post('/__admin/verify').send({ count: 1, atLeast: 1 });
    assert.equal(both.body.errors[0].message, 'must not have both "count" and "atLeast"');
  });

  it('in a queued fault, each error at its place: the match\'s key, the fault\'s key, the queued fault\'s own', async () => {
    const res = await agent().post('/__admin/faults').send({ match: { sesion: 'ci' }, fault: { stauts: 503 }, tims: 2 });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body.errors, [
      { pointer: '/', message: 'unknown queued fault key "tims" (did you mean "times"?); known keys: match, fault, times' },
      { pointer: '/match', message: `unknown matcher key "sesion" (did you mean "session"?); known keys: ${MATCHER_KEYS}` },
      { pointer: '/fault', message: 'unknown fault key "stauts" (did you mean "status"?); known keys: delayMs, status, empty, reset' },
    ]);
    assert.match(res.body.detail, /At \/match: unknown matcher key "sesion"/);
    const status = await agent().post('/__admin/faults').send({ match: { status: 500 }, fault: { status: 503 } });
    assert.ok(status.body.errors.some((e: { pointer: string; message: string }) => e.pointer === '/match' && e.message === 'must not have "status" here'), status.text);
  });

  it('in PUT /__admin/state, and an enum lists its values; a misspelt listing filter is refused, not ignored', async () => {
    const app = agent();
    const state = await app.put('/__admin/state').send({ clok: '2030-01-01T00:00:00Z' });
    assert.equal(state.body.errors[0].message, 'unknown stub state key "clok" (did you mean "clock"?); known keys: session, id2Next, taskIdNext, clock');
    const api = await app.get('/__admin/requests?api=jira');
    assert.equal(api.body.errors[0].message, 'must be one of "onlyoffice", "wello"');
    const filter = await app.get('/__admin/requests?stauts=201');
    assert.equal(filter.status, 400);
    assert.equal(filter.body.detail, 'unknown query parameter "stauts"; known: session, api, method, path, status, limit');
    assert.equal((await app.get('/__admin/requests.har?pth=/x')).status, 400);
  });

  it('every admin and fixture schema that closes its objects names an unknown key (general, not one route)', () => {
    const { registry } = createStub({ seed: 1 }).context;
    const names = ['admin', 'fixtures'].flatMap((dir) =>
      readdirSync(new URL(`../schemas/${dir}/`, import.meta.url)).map((file) => `${dir}/${file.replace('.schema.json', '')}`),
    );
    assert.ok(names.length >= 7, names.join());
    for (const name of names) {
      const validate = registry.validator(name);
      const data = { zzzUnknown: 1 };
      assert.equal(validate(data), false, name);
      const errors = explainErrors(registry, name, validate.errors ?? [], data);
      const named = errors.find((e) => e.keyword === 'additionalProperties' || e.keyword === 'unevaluatedProperties');
      assert.ok(named, `${name}: ${JSON.stringify(validate.errors)}`);
      assert.match(named.message!, /^unknown (\w+ )*key "zzzUnknown"; known keys: \S+/, name);
    }
  });
});
