// ONLYOFFICE reads the query string as an HttpValueCollection (HttpRequest.QueryString, filled by
// HttpValueCollection.FillFromString): a name given twice keeps both values, and a pair without `=` has a null
// name. The binder sees every value (ApiArgumentBuilder.GetRequestParams; Binder.Bind joins them when the first
// does not convert); ApiContext reads QueryString.GetValues(name) (GetRequestArray).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agent, TOKEN, VALID } from './helpers.js';
import { queryValues, requestArray } from '../src/apis/onlyoffice/query-string.js';

const base = { method: 'GET', path: '/x', query: {}, headers: {}, body: Buffer.alloc(0) };

describe('ONLYOFFICE query string (HttpValueCollection.FillFromString, NameValueCollection.Get)', () => {
  it('keeps every value of a repeated name in order; a pair without = has no name; names in any letter case', () => {
    const req = { ...base, rawQuery: 'title=a&Title=b&fields&count=5&count=6&x=%41+b' };
    assert.deepEqual([...queryValues(req)], [['title', ['a', 'b']], ['count', ['5', '6']], ['x', ['A b']]]);
  });

  it('ApiContext.GetRequestArray: name[] first (every value); one non-empty value split on commas; several values as they are', () => {
    const values = (rawQuery: string) => queryValues({ ...base, rawQuery });
    assert.deepEqual(requestArray(values('fields=id,title'), 'fields'), ['id', 'title']);
    assert.deepEqual(requestArray(values('fields=id,title&fields=x'), 'fields'), ['id,title', 'x']);
    assert.deepEqual(requestArray(values('fields[]=a&fields[]=b&fields=c'), 'fields'), ['a', 'b']);
    assert.deepEqual(requestArray(values('fields='), 'fields'), ['']);
    assert.equal(requestArray(values('fields'), 'fields'), undefined);
    assert.deepEqual(requestArray(values('FIELDS=id'), 'fields'), ['id']);
  });

  it('a request without its raw query string (built in a test) reads its parsed query', () => {
    assert.deepEqual([...queryValues({ ...base, query: { Title: 'a' } })], [['title', ['a']]]);
  });

  it('?fields=id&fields=title asks for both (ApiContext: GetRequestArray reads QueryString["fields"], "id,title")', async () => {
    const res = await agent().post('/api/2.0/crm/task?fields=id&fields=title').set(TOKEN).send(VALID).expect(201);
    assert.deepEqual(res.body.response, { title: VALID.title, id: 1 });
  });

  it('?fields with no = is a null name, so no filter applies (the whole task comes back)', async () => {
    const res = await agent().post('/api/2.0/crm/task?fields').set(TOKEN).send(VALID).expect(201);
    assert.equal(res.body.response.title, VALID.title);
    assert.ok('createBy' in res.body.response && 'category' in res.body.response);
  });

  it('a repeated create parameter binds its first value (BuildCallingArguments: values.First())', async () => {
    const res = await agent().post('/api/2.0/crm/task?title=first&title=second').set(TOKEN).send({ deadline: VALID.deadline, categoryId: 1 }).expect(201);
    assert.equal(res.body.response.title, 'first');
  });

  it('a repeated parameter whose first value does not convert is tried again with all of them joined (Binder.Bind): "abc,1" is not an Int32', async () => {
    const api = agent();
    const res = await api.post('/api/2.0/crm/task?categoryId=abc&categoryId=1').set(TOKEN).send({ title: 't', deadline: VALID.deadline }).expect(400);
    assert.equal(res.body.error.message, 'Input string was not in a correct format.');
    // The journal's check, made later from the stored request, reads the same two values.
    const journal = await api.get('/__admin/requests').expect(200);
    assert.equal(journal.body.requests[0].valid, false);
    assert.equal(journal.body.requests[0].errors[0].path, '/categoryId');
  });

  it('ApiContext.GetRequestValue: `?count&count=3` is count "3" (the bare name is a null key); `?count=3&count=5` takes the first, 3', async () => {
    const api = agent();
    for (let i = 0; i < 7; i++) await api.post('/api/2.0/crm/task').set(TOKEN).send(VALID).expect(201);
    const bare = await api.get('/api/2.0/crm/task/filter?count&count=3').set(TOKEN).expect(200);
    assert.equal(bare.body.response.length, 3);
    const repeated = await api.get('/api/2.0/crm/task/filter?count=3&count=5').set(TOKEN).expect(200);
    assert.equal(repeated.body.response.length, 3);
    const none = await api.get('/api/2.0/crm/task/filter?count').set(TOKEN).expect(200);
    assert.equal(none.body.response.length, 7, 'no count: the default page');
  });
});
