import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { jsonValue, jsonWriter, renderByShape, shapeOf } from '../src/core/render.js';
import { createStub } from '../src/stub.js';
import { DotNetDateTime } from '../src/core/dotnet-datetime.js';
import { emptyTask, type Task, type TaskValue, taskFields } from '../src/apis/wello/fields.js';
import { taskJsonWriter } from '../src/apis/wello/serialize.js';

const registry = createStub({ seed: 1 }).context.registry;

describe('render: DataContract rules (docs/fidelity.md, ONLYOFFICE: The task in the response)', () => {
  const shape = shapeOf(registry, 'onlyoffice/envelope');
  const user = Object.freeze({ id: 'u', displayName: 'User', title: null, avatarSmall: '/a.png', profileUrl: '', userName: 'dropped' });
  const bodies = [
    { count: 1, status: 0, statusCode: 201, response: { id: 1 } },
    { count: 1, status: 0, statusCode: 201, response: { createBy: user, responsible: user, title: 'T "quoted" \\ ünïcode', alertValue: 0, isClosed: false, canEdit: true, id: 7, extra: 'dropped' } },
    { count: 1, status: 0, statusCode: 201, response: { createBy: user, category: Object.freeze({ id: 3, title: 'C', sortOrder: 0, relativeItemsCount: 2 }), entity: { entityType: 'case', entityId: 1, entityTitle: 'E' }, id: 0 } },
  ];

  it('the compiled JSON writer writes what renderByShape + JSON.stringify write, also from its cache of frozen values', () => {
    const write = jsonWriter(shape);
    for (let round = 0; round < 2; round++) {
      for (const body of bodies) assert.equal(write(body), JSON.stringify(renderByShape(shape, body)));
    }
  });

  it('keeps keys in schema order, writes required members even when null, leaves out null, false and 0 otherwise', () => {
    const rendered = renderByShape(shape, bodies[1]!) as { response: Record<string, unknown> };
    assert.deepEqual(Object.keys(rendered.response), ['createBy', 'title', 'responsible', 'canEdit', 'id']);
    assert.deepEqual(rendered.response.createBy, { id: 'u', displayName: 'User', avatarSmall: '/a.png', profileUrl: '' });
    const contact = shapeOf(registry, 'onlyoffice/task-wrapper').keys.find((k) => k.name === 'contact')!.child!;
    assert.deepEqual(renderByShape(contact, { displayName: 'D', isCompany: false, id: 4 }), {
      displayName: 'D', isCompany: false, isPrivate: null, isShared: null, shareType: null, currency: null, canEdit: null, canDelete: null, id: 4,
    });
  });
});

describe('jsonValue: JSON.stringify without the call for plain strings and numbers', () => {
  it('writes exactly what JSON.stringify writes, for any string (quotes, controls, lone surrogates, emoji), number, boolean or null', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: fc.constantFrom('"', '\\', '\u0000', '\u001f', '\ud800', '\udfff', 'é', '😀', 'a', '/') }), fc.double(), fc.integer(), fc.boolean(), fc.constant(null)), (value) => {
        assert.equal(jsonValue(value), JSON.stringify(value));
      }),
      { seed: 20261124, numRuns: 3000 },
    );
  });
});

describe('the Wello task JSON writer (docs/fidelity.md, Wello: Serialization: Json.NET, keys in contract order, nulls written)', () => {
  const registry = createStub({ seed: 1 }).context.registry;
  const fields = taskFields(registry.get('wello/task'));
  const write = taskJsonWriter(fields);
  const valueOf = (kind: string): fc.Arbitrary<TaskValue> => {
    const date = fc.tuple(fc.bigInt({ min: 0n, max: 3_155_378_975_999_999_999n - 621_355_968_000_000_000n }), fc.constantFrom('utc' as const, 'local' as const, 'unspecified' as const));
    if (kind === 'date') return fc.oneof(fc.constant(null), date.map(([ticks, k]) => new DotNetDateTime(ticks, k)));
    if (kind === 'integer') return fc.oneof(fc.constant(null), fc.integer());
    if (kind === 'boolean') return fc.oneof(fc.constant(null), fc.boolean());
    return fc.oneof(fc.constant(null), fc.string({ unit: 'binary' }), fc.constantFrom('a"b', 'c\\d', '\u0000', '\ud800'));
  };
  const task = fc.tuple(...fields.map((f) => valueOf(f.kind))).map((values) => {
    const t = emptyTask(fields) as Task;
    fields.forEach((f, i) => (t[f.name] = values[i]!));
    return t;
  });

  it('writes exactly what JSON.stringify writes with the dates\' own toJSON, and leaves the task as it was', () => {
    fc.assert(
      fc.property(task, (t) => {
        const before = { ...t };
        assert.equal(write(t), JSON.stringify(t));
        assert.deepEqual(t, before);
      }),
      { numRuns: 300, seed: 3 },
    );
  });
});
