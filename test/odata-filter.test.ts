// The $filter / $orderby parser of GET api/TaskView (src/apis/wello/odata-filter.ts; docs/fidelity.md, Wello:
// Read-back routes): table tests of what it reads and how it refuses, and hostile input that must end in an
// ODataQueryError (the route's 400), quickly, never another exception.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DotNetDateTime, parseDotNetDateTime } from '../src/core/dotnet-datetime.js';
import type { FieldKind, TaskValue } from '../src/apis/wello/fields.js';
import { compileFilter, compileOrderBy, MAX_FILTER_LENGTH, ODataQueryError } from '../src/apis/wello/odata-filter.js';
import { PAGE_SIZE, pageOf, readListQuery } from '../src/apis/wello/odata-query.js';

const properties = new Map<string, FieldKind>([
  ['id', 'guid'],
  ['subject', 'string'],
  ['remark', 'string'],
  ['id2', 'integer'],
  ['archived', 'boolean'],
  ['date_create', 'date'],
]);
const options = { properties, typeName: 'task_view' };
const date = (text: string) => parseDotNetDateTime(text) as DotNetDateTime;

type Item = Record<string, TaskValue>;
const ITEMS: Item[] = [
  { id: '3970f5af-af17-4420-b038-a1efdc261244', subject: 'Printer jammed', remark: "it's stuck", id2: 1, archived: false, date_create: date('2026-01-05T10:00:00Z') },
  { id: '11111111-2222-4333-8444-555555555555', subject: 'Screen broken', remark: '', id2: 2, archived: true, date_create: date('2026-02-01T00:00:00Z') },
  { id: '21111111-2222-4333-8444-555555555555', subject: 'Printer toner', remark: null, id2: 3, archived: false, date_create: date('2025-12-31T23:59:59Z') },
];
const matching = (filter: string) => ITEMS.filter(compileFilter(filter, options)).map((item) => item.id2);

describe('$filter: what it reads [OData v4 URL conventions; operators case-sensitive as HelpGuide CreateYourOwnServiceDesk says]', () => {
  const table: [filter: string, id2s: number[]][] = [
    ["subject eq 'Printer jammed'", [1]],
    ["subject ne 'Printer jammed'", [2, 3]],
    ['id2 gt 1', [2, 3]],
    ['id2 ge 2', [2, 3]],
    ['id2 lt 2', [1]],
    ['id2 le 2', [1, 2]],
    ['id2 eq 1 or id2 eq 3', [1, 3]],
    ['archived eq false and id2 gt 1', [3]],
    ['id2 eq 1 or id2 eq 2 and archived eq false', [1]],
    ['(id2 eq 1 or id2 eq 2) and archived eq true', [2]],
    ['not archived', [1, 3]],
    ['not (id2 eq 1)', [2, 3]],
    ['archived', [2]],
    ['archived eq true', [2]],
    ["remark eq 'it''s stuck'", [1]],
    ['remark eq null', [3]],
    ['remark ne null', [1, 2]],
    ['id eq 3970f5af-af17-4420-b038-a1efdc261244', [1]],
    ['id eq 3970F5AF-AF17-4420-B038-A1EFDC261244', [1]],
    ['date_create gt 2026-01-01T00:00:00Z', [1, 2]],
    ['date_create lt 2026-01-01', [3]],
    ['date_create ge 2026-01-05T11:00:00+01:00', [1, 2]],
    ['id2 gt 1.5', [2, 3]],
    ['id2 gt -1', [1, 2, 3]],
    ["contains(subject,'Printer')", [1, 3]],
    ["startswith(subject,'Screen')", [2]],
    ["endswith(subject,'toner') or startswith(subject,'x')", [3]],
    ["tolower(subject) eq 'printer toner'", [3]],
    ['  id2   eq   2  ', [2]],
    ['((((id2 eq 2))))', [2]],
    ['true', [1, 2, 3]],
    ['null eq null', [1, 2, 3]],
  ];
  for (const [filter, expected] of table) {
    it(`${filter} → ${JSON.stringify(expected)}`, () => assert.deepEqual(matching(filter), expected));
  }

  it("a quoted date or GUID against a date or GUID property is read as one: the vendor's example is $filter=date_create+gt+'…' (HelpGuide LinkErp) [doc]", () => {
    assert.deepEqual(matching("date_create gt '2026-01-01T00:00:00Z'"), [1, 2]);
    assert.deepEqual(matching("id eq '11111111-2222-4333-8444-555555555555'"), [2]);
  });

  it('null compares as OData says: equal only to null, never greater or less [OData v4 URL conventions 5.1.1.1]', () => {
    assert.deepEqual(matching("remark gt ''"), [1]);
    assert.deepEqual(matching('remark lt null'), []);
  });
});

describe('$filter: what it refuses, with ODataLib\'s messages [inferred: Microsoft.OData.Core resources]', () => {
  const table: [filter: string, message: RegExp][] = [
    ['', /^Expression expected at position 0 in ''\.$/],
    ['subject eq', /^Expression expected at position 10 in 'subject eq'\.$/],
    ['subject eq and', /^Expression expected at position 11/],
    ["subject eq 'x' extra", /^Syntax error at position 15 in/],
    ["subject EQ 'x'", /^Syntax error at position 8/],
    ["subject eq 'x' AND id2 eq 1", /^Syntax error at position 15/],
    ["subject eq 'open", /^There is an unterminated string literal at position 16 in 'subject eq 'open'\.$/],
    ['id2 eq 1 $', /^Syntax error: character '\$' is not valid at position 9/],
    ['(id2 eq 1', /^'\)' or operator expected at position 9/],
    ['id2 eq 12abc', /^Syntax error at position 9/],
    ['nope eq 1', /^Could not find a property named 'nope' on type 'task_view'\.$/],
    ['Subject eq 1', /^Could not find a property named 'Subject'/],
    ['subject eq 1', /^A binary operator with incompatible types was detected\. Found operand types 'Edm\.String' and 'Edm\.Int32' for operator kind 'Equal'\.$/],
    ["id2 gt 'a'", /Found operand types 'Edm\.Int32' and 'Edm\.String' for operator kind 'GreaterThan'/],
    ["date_create gt 'soon'", /Found operand types 'Edm\.DateTimeOffset' and 'Edm\.String'/],
    ['archived eq 1', /Found operand types 'Edm\.Boolean' and 'Edm\.Int32'/],
    ['id2 eq 1 and id2', /Found operand types 'Edm\.Boolean' and 'Edm\.Int32' for operator kind 'And'/],
    ["not subject", /^A unary operator with an incompatible type was detected\. Found operand type 'Edm\.String' for operator kind 'Not'\.$/],
    ['subject', /^The \$filter expression must evaluate to a single boolean value\.$/],
    ["frobnicate(subject,'x')", /^An unknown function with name 'frobnicate' was found/],
    ['contains(subject)', /^No function signature for the function with name 'contains'/],
    ["contains(subject,'x'", /^'\)' or ',' expected at position 20/],
    ['id2 eq 99999999999999999999', /^Syntax error at position 7/],
    ['date_create gt 2026-13-01T00:00:00Z', /^Syntax error at position 15/],
  ];
  for (const [filter, message] of table) {
    it(`${JSON.stringify(filter)} → 400: ${message.source}`, () => {
      assert.throws(() => compileFilter(filter, options), (error: unknown) => error instanceof ODataQueryError && message.test(error.message));
    });
  }
});

describe('$filter: hostile input ends in a 400 quickly, never a crash [assumption: the stub\'s own bounds]', () => {
  const refuses = (filter: string, message: RegExp) => {
    const started = performance.now();
    assert.throws(() => compileFilter(filter, options), (error: unknown) => error instanceof ODataQueryError && message.test(error.message));
    assert.ok(performance.now() - started < 200, `took ${performance.now() - started} ms`);
  };

  it('parentheses nested deeper than 100 (and deeper than the stack could take, within the length bound)', () => {
    refuses(`${'('.repeat(101)}id2 eq 1${')'.repeat(101)}`, /^The recursion limit has been exceeded\.$/);
    refuses('('.repeat(MAX_FILTER_LENGTH), /^The recursion limit has been exceeded\.$/);
    refuses(`${'not '.repeat(200)}archived`, /^The recursion limit has been exceeded\.$/);
  });

  it("more than 100 nodes: ODataValidationSettings.MaxNodeCount's default and message (ASP.NET OData)", () => {
    refuses(Array(40).fill('id2 eq 1').join(' or '), /^The node count limit of '100' has been exceeded\. To increase the limit, set the 'MaxNodeCount' property on EnableQueryAttribute or ODataValidationSettings\.$/);
  });

  it('a text past 2048 characters (IIS\'s default query-string limit) is refused before it is read', () => {
    refuses(`subject eq '${'x'.repeat(5000)}'`, /^The \$filter query option is 5013 characters long; the stub reads at most 2048/);
    refuses('a'.repeat(1_000_000), /characters long/);
  });

  it('an unterminated string of 2000 characters, quotes that never close, a lone quote', () => {
    refuses(`subject eq '${'ab'.repeat(1000)}`, /^There is an unterminated string literal/);
    refuses(`subject eq '${"''".repeat(900)}`, /^There is an unterminated string literal/);
    refuses("'", /^There is an unterminated string literal at position 1 in '''\.$/);
  });

  it('long literals within the bound are read, not refused: a 2000-character string, 500 digits', () => {
    assert.deepEqual(matching(`subject eq '${'x'.repeat(2000)}'`), []);
    refuses(`id2 eq ${'9'.repeat(500)}`, /^Syntax error at position 7/);
    assert.deepEqual(matching(`id2 lt ${'9'.repeat(300)}.5`), [1, 2, 3]);
  });

  it('control characters, NUL, non-BMP characters and lone surrogates are syntax errors, not exceptions', () => {
    for (const text of ['id2 eq 1\u0000', '\u{1F600}', 'id2 eq \uD800', '\u0007', "subject eq 'a' \u2028"]) {
      assert.throws(() => compileFilter(text, options), ODataQueryError, JSON.stringify(text));
    }
  });

  it('every prefix of a valid filter is either read or refused with an ODataQueryError', () => {
    const filter = "(not archived and contains(subject,'Pr''x')) or id eq 3970f5af-af17-4420-b038-a1efdc261244 or date_create ge 2026-01-01T00:00:00.5+01:00";
    for (let i = 0; i <= filter.length; i++) {
      try {
        compileFilter(filter.slice(0, i), options);
      } catch (error) {
        assert.ok(error instanceof ODataQueryError, `${filter.slice(0, i)}: ${String(error)}`);
      }
    }
  });
});

describe('$orderby [OData v4 URL conventions 5.1.1.2]', () => {
  const sorted = (orderBy: string) => [...ITEMS].sort(compileOrderBy(orderBy, options)).map((item) => item.id2);

  it('one key, asc by default; desc', () => {
    assert.deepEqual(sorted('date_create'), [3, 1, 2]);
    assert.deepEqual(sorted('date_create desc'), [2, 1, 3]);
    assert.deepEqual(sorted('id2 asc'), [1, 2, 3]);
  });

  it('several keys, each with its own direction; nulls first ascending, as LINQ orders them [inferred]', () => {
    assert.deepEqual(sorted('archived desc, subject'), [2, 1, 3]);
    assert.deepEqual(sorted('archived, subject desc'), [3, 1, 2]);
    assert.deepEqual(sorted('remark'), [3, 2, 1]);
  });

  it('refuses an unknown property, a trailing comma, a bad direction', () => {
    assert.throws(() => compileOrderBy('nope', options), /Could not find a property named 'nope'/);
    assert.throws(() => compileOrderBy('id2,', options), /Syntax error at position 4|Expression expected/);
    assert.throws(() => compileOrderBy('id2 sideways', options), /Syntax error at position 4/);
    assert.throws(() => compileOrderBy('', options), /Expression expected at position 0/);
  });
});

describe('$top, $skip, $count and the page [HelpGuide Paging, general API host [doc]; the page size 100 [assumption]]', () => {
  const many: Item[] = Array.from({ length: 250 }, (_, i) => ({ id2: i + 1, subject: `t${i}`, archived: i % 2 === 0 }));
  const page = (query: Record<string, string>) => pageOf(many, readListQuery(query, options), query);

  it('at most 100 a page, with the next page\'s query ($skip moved on, the other options kept)', () => {
    const first = page({ $filter: 'id2 gt 0' });
    assert.equal(first.items.length, PAGE_SIZE);
    assert.deepEqual(first.next, { $filter: 'id2 gt 0', $skip: '100' });
    const last = page({ $filter: 'id2 gt 0', $skip: '200' });
    assert.equal(last.items.length, 50);
    assert.equal(last.next, undefined);
  });

  it('$top past the page size: the next link carries what remains of it', () => {
    const first = page({ $top: '150', $orderby: 'id2 desc' });
    assert.equal(first.items[0]!.id2, 250);
    assert.deepEqual(first.next, { $orderby: 'id2 desc', $top: '50', $skip: '100' });
    assert.equal(page({ $top: '50', $skip: '100' }).next, undefined);
    assert.deepEqual(page({ $top: '3', $skip: '10' }).items.map((i) => i.id2), [11, 12, 13]);
    assert.deepEqual(page({ $top: '0' }).items, []);
  });

  it('counts what the filter matched, before $skip and $top', () => {
    const counted = page({ $filter: 'archived', $top: '1', $count: 'true' });
    assert.equal(counted.matched, 125);
    assert.equal(counted.items.length, 1);
  });

  const bad: [Record<string, string>, RegExp][] = [
    [{ $top: '-1' }, /^Invalid value '-1' for \$top query option found\. The \$top query option requires a non-negative integer value\.$/],
    [{ $top: 'ten' }, /^Invalid value 'ten' for \$top/],
    [{ $skip: '1.5' }, /^Invalid value '1\.5' for \$skip/],
    [{ $skip: '99999999999' }, /for \$skip query option/],
    [{ $count: 'yes' }, /^'yes' is not a valid count option\.$/],
    [{ $select: 'id' }, /^The query parameter '\$select' is not supported\.$/],
    [{ $Filter: 'id2 eq 1' }, /^The query parameter '\$Filter' is not supported\.$/],
  ];
  for (const [query, message] of bad) {
    it(`refuses ${JSON.stringify(query)}`, () => assert.throws(() => readListQuery(query, options), (e: unknown) => e instanceof ODataQueryError && message.test(e.message)));
  }

  it('leaves options without $ alone (the application\'s own)', () => {
    assert.doesNotThrow(() => readListQuery({ filter: 'whatever', foo: '' }, options));
  });
});
