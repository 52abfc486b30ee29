// ReDoS through the admin API (hardening issue, second round): path wildcards
// are matched without RegExp, {matches} patterns run on RE2 (re2js) with
// JavaScript's meaning, what needs backtracking is a 400 that says why, and
// every matcher's cost is bounded per call and per request.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compileMatcher, MatcherError, MAX_WILDCARDS, pathMatches } from '../src/journal/matcher.js';
import { compilePattern, MAX_PATTERN_STEPS, patternBudget, PatternCostError, PatternError } from '../src/journal/pattern.js';
import { isSubset } from '../src/journal/subset.js';
import { loadScenario } from '../src/replay/scenarios.js';
import { createStub } from '../src/stub.js';
import { agent, TOKEN, VALID, WELLO_AUTH } from './helpers.js';

const SEED = Number(process.env.FUZZ_SEED ?? 14);
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);

type App = ReturnType<typeof agent>;
const createTask = (app: App, title: string) => app.post('/api/2.0/crm/task').set(TOKEN).send({ ...VALID, title });
const wello = (app: App, path: string) => app.post(path).set(WELLO_AUTH).type('application/json').send('{"subject":"s"}');

/** How the path matcher worked before: a RegExp of .* per wildcard, exponential on *a*a*a*...b (the reference for the differential test). */
function oldPathMatches(pattern: string, path: string): boolean {
  if (!pattern.includes('*')) return pattern.toLowerCase() === path.toLowerCase();
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i').test(path);
}

describe('the two attacks of the issue answer at once, and the stub keeps answering', () => {
  const attacks = [
    {
      name: 'verify {"matches":"^(a+)+$"} against a 35-character title (minutes on RegExp)',
      async run(app: App) {
        assert.equal((await createTask(app, `${'a'.repeat(34)}!`)).status, 201);
        const res = await app.post('/__admin/verify').send({ body: { title: { matches: '^(a+)+$' } } });
        assert.equal(res.status, 409, 'the title does not match: a failed verification, not a hang');
        assert.equal(res.body.actual, 0);
        const ok = await app.post('/__admin/verify').send({ body: { title: { matches: '^(a+)+!$' } }, count: 1 });
        assert.equal(ok.status, 200, JSON.stringify(ok.body));
      },
    },
    {
      name: 'a path of wildcards *a*a*a*a*a*a*b against a 105-character path (169 s on RegExp here)',
      async run(app: App) {
        const path = `/api/${'a'.repeat(100)}`;
        await wello(app, path);
        const res = await app.post('/__admin/requests/count').send({ path: '*a*a*a*a*a*a*b' });
        assert.deepEqual(res.body, { count: 0 });
        assert.deepEqual((await app.post('/__admin/requests/count').send({ path: '*a*a*a*a*a*a*a' })).body, { count: 1 });
        const listed = await app.get('/__admin/requests').query({ path: '*A*A*A*A*A*A*B' });
        assert.equal(listed.body.total, 0);
      },
    },
    {
      name: 'the same wildcards queued as a fault, looked at on every API call',
      async run(app: App) {
        const queued = await app.post('/__admin/faults').send({ match: { path: '*a*a*a*a*a*a*b' }, fault: { status: 503 }, times: 5 });
        assert.equal(queued.status, 201);
        for (let i = 0; i < 20; i++) assert.equal((await wello(app, `/api/${'a'.repeat(100)}`)).status, 404, 'no fault: the path does not end in b');
        assert.equal((await wello(app, `/api/${'a'.repeat(100)}b`)).status, 503, 'the fault fires where the path matches');
      },
    },
    {
      name: '^(a+)+$ queued as a fault on the body, looked at on every API call',
      async run(app: App) {
        await app.post('/__admin/faults').send({ match: { body: { title: { matches: '^(a+)+$' } } }, fault: { status: 500 } }).expect(201);
        for (let i = 0; i < 20; i++) assert.equal((await createTask(app, `${'a'.repeat(40)}!`)).status, 201);
        assert.equal((await createTask(app, 'a'.repeat(40))).status, 500);
      },
    },
  ];
  for (const attack of attacks) {
    it(attack.name, async () => {
      const app = agent();
      const started = performance.now();
      await attack.run(app);
      // A loose regression guard: each of these took from tens of seconds to hours before.
      assert.ok(performance.now() - started < 2000, `took ${Math.round(performance.now() - started)} ms`);
      const health = await app.get('/__admin/health');
      assert.equal(health.status, 200);
    });
  }
});

describe('path wildcards: * is any characters, any letter case, everything else literal', () => {
  const table: [pattern: string, path: string, matches: boolean][] = [
    ['/api/Task', '/api/task', true],
    ['/api/Task', '/api/Tasks', false],
    ['*', '/anything/at/all', true],
    ['*', '', true],
    ['/api/*', '/api/Task', true],
    ['/api/*', '/api', false],
    ['*/task', '/api/2.0/crm/TASK', true],
    ['*/task', '/api/2.0/crm/task/1', false],
    ['/api/*/task', '/api/2.0/crm/task', true],
    ['/api/*/task', '/api/task', false],
    ['/api/*/*/task', '/api/2.0/crm/task', true],
    ['/API/**', '/api/x', true],
    ['*a*a*', 'aa', true],
    ['*a*a*', 'a', false],
    ['*ab*ba*', 'aba', false],
    ['*ab*ba*', 'abba', true],
    ['/api/2.0/*', '/api/2x0/crm', false],
    ['/a+b/*', '/a+b/c', true],
    ['/a+b/*', '/aab/c', false],
    ['/(x)/*', '/(x)/y', true],
    ['/(x)/*', '/x/y', false],
    ['/[ab]/*', '/[ab]/y', true],
    ['/[ab]/*', '/a/y', false],
    ['/a?/*', '/a?/c', true],
    ['/a?/*', '/a/c', false],
    ['/$x^/*', '/$X^/y', true],
    ['/a\\d/*', '/a\\d/y', true],
    ['/a\\d/*', '/a1/y', false],
  ];
  for (const [pattern, path, expected] of table) {
    it(`${JSON.stringify(pattern)} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(path)}`, () => {
      assert.equal(pathMatches(pattern, path), expected);
      assert.equal(oldPathMatches(pattern, path), expected, 'as the RegExp matcher said');
    });
  }

  it(`says the same as the RegExp matcher did on generated patterns and paths (fast-check, seed ${SEED})`, () => {
    const piece = fc.constantFrom('a', 'b', 'A', '/', '.', '(', '+', '?', '[', '\\', '*', '**');
    const letter = fc.constantFrom('a', 'b', 'A', 'B', '/', '.', '(', '+', '?', '[', '\\');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), fc.array(letter, { maxLength: 14 }), (pieces, letters) => {
        const pattern = pieces.join('');
        const path = letters.join('');
        if (pattern === '') return;
        assert.equal(pathMatches(pattern, path), oldPathMatches(pattern, path), `${JSON.stringify(pattern)} on ${JSON.stringify(path)}`);
      }),
      { seed: SEED, numRuns: RUNS * 5 },
    );
  });

  it(`a ${MAX_WILDCARDS}-wildcard pattern against a 16 KB path, 200 times, is a matter of milliseconds`, () => {
    const pattern = `${'*a'.repeat(MAX_WILDCARDS - 1)}*b`;
    const test = compileMatcher({ path: pattern });
    const call = { session: 'default', api: 'wello', method: 'POST', path: `/${'a'.repeat(16 * 1024)}`, status: 201, body: () => undefined };
    const started = performance.now();
    for (let i = 0; i < 200; i++) assert.equal(test.matches(call), false);
    // Each test reads the path once per literal part: some 20 x 16 K characters; RegExp would not finish.
    assert.ok(performance.now() - started < 2000, `took ${Math.round(performance.now() - started)} ms`);
  });
});

describe('{matches} patterns: JavaScript syntax and meaning, on a linear-time engine', () => {
  const table: [pattern: string, value: string][] = [
    ['^Call', 'Call the client'],
    ['^Call', 'Recall'],
    ['client$', 'Call the client'],
    ['client$', 'client\n'],
    ['^\\d{4}-\\d{2}-\\d{2}T', '2026-11-24T10:00:00Z'],
    ['^\\d{4}-\\d{2}-\\d{2}T', '2026-1-24T'],
    ['^[A-Z][a-z]+ [a-z]+$', 'Call client'],
    ['^(?:call|email|meeting)$', 'email'],
    ['^(call|email)$', 'fax'],
    ['a.c', 'a\rc'],
    ['a.c', 'a\u2028c'],
    ['a.c', 'a\tc'],
    ['^.*$', 'one\ntwo'],
    ['[^]', '\n'],
    ['[]', ''],
    ['\\s', '\u00a0'],
    ['\\s', '\ufeff'],
    ['\\S+', ' \t'],
    ['[\\s\\d]', 'x'],
    ['\\bid\\b', 'the id is'],
    ['\\bid\\b', 'valid'],
    ['\\w+@\\w+\\.com', 'me@example.com'],
    ['\\a\\z', 'az'],
    ['\\x41\\u0042', 'AB'],
    ['\\cJ', '\n'],
    ['x{', 'x{'],
    ['{a}', '{a}'],
    [']', ']'],
    ['[\\d-z]', '-'],
    ['[\\b]', '\b'],
    ['\\/', 'a/b'],
    ['a{2,3}', 'caab'],
    ['^a{2,3}$', 'aaaa'],
    ['(?<word>\\w+) \\w+', 'two words'],
    ['colou?r', 'color'],
    ['a+?b', 'aab'],
    ['^$', ''],
    ['', 'anything'],
    ['urgent', 'an URGENT call'],
    ['urgent', 'an urgent call'],
    ['\\u{2}', 'uu'],
    ['\\p{L}', 'p{L}'],
  ];
  for (const [pattern, value] of table) {
    const expected = new RegExp(pattern).test(value);
    it(`/${pattern}/ ${expected ? 'finds' : 'does not find'} ${JSON.stringify(value)}, as RegExp does`, () => {
      assert.equal(compilePattern(pattern).test(value), expected);
    });
  }

  it(`gives RegExp's answer on generated patterns and strings (fast-check differential, seed ${SEED})`, () => {
    const atom = fc.constantFrom('a', 'b', 'A', '1', ' ', '.', '\\d', '\\D', '\\w', '\\W', '\\s', '\\S', '[ab]', '[^a]', '[a-c1]', '[\\s1]', '\\.', '\\n', '-', '_', '\\b', '\\B');
    const quantifier = fc.constantFrom('', '', '', '*', '+', '?', '{2}', '{1,3}', '{0,}', '*?', '+?');
    const term = fc.tuple(atom, quantifier).map(([a, q]) => (a === '\\b' || a === '\\B' ? a : a + q));
    const sequence = fc.array(term, { minLength: 1, maxLength: 5 }).map((terms) => terms.join(''));
    const pattern = fc
      .tuple(fc.constantFrom('', '^'), fc.array(sequence, { minLength: 1, maxLength: 3 }), fc.constantFrom('', '$'), fc.constantFrom('plain', 'group', 'capture', 'quantified'))
      .map(([start, alternatives, end, shape]) => {
        const body = alternatives.join('|');
        if (shape === 'group') return `${start}(?:${body})${end}`;
        if (shape === 'capture') return `${start}(${body})${end}`;
        if (shape === 'quantified') return `${start}(?:${body})+${end}`;
        return alternatives.length > 1 ? `${start}(?:${body})${end}` : `${start}${body}${end}`;
      });
    const value = fc.array(fc.constantFrom('a', 'b', 'A', 'B', '1', '2', ' ', '\n', '\r', '\t', '.', '-', '_', '\u00a0', '\u2028', 'é'), { maxLength: 12 }).map((c) => c.join(''));
    fc.assert(
      fc.property(pattern, fc.array(value, { minLength: 1, maxLength: 4 }), (source, values) => {
        const compiled = compilePattern(source);
        for (const v of values) assert.equal(compiled.test(v), new RegExp(source).test(v), `/${source}/ on ${JSON.stringify(v)}`);
      }),
      { seed: SEED, numRuns: RUNS * 2 },
    );
  });

  it('compiles a pattern once per matcher, not once per call it looks at', () => {
    const matcher = { body: { title: { matches: '^Call \\w+$' }, description: { matches: '^Call \\w+$' } } };
    const compiled = compileMatcher(matcher);
    assert.equal(compileMatcher(matcher), compiled, 'the same matcher object is compiled once');
    assert.equal(compilePattern('^Call \\w+$'), compilePattern('^Call \\w+$'), 'and its pattern is kept');
  });
});

describe('patterns that need backtracking, or are invalid or too large: a 400 that says where and why', () => {
  const refusals: [name: string, pattern: string, says: RegExp][] = [
    ['lookbehind', '(?<=a)b', /lookbehind \(\?<=\.\.\.\) is not supported: matchers run on a linear-time engine/],
    ['negative lookbehind', '(?<!a)b', /lookbehind \(\?<!\.\.\.\) is not supported/],
    ['lookahead', 'a(?=b)', /lookahead \(\?=\.\.\.\) is not supported: matchers run on a linear-time engine/],
    ['negative lookahead', '^(?!draft)', /lookahead \(\?!\.\.\.\) is not supported/],
    ['a backreference', '(a)\\1', /backreferences \(\\1\) are not supported/],
    ['a named backreference', '(?<x>a)\\k<x>', /backreferences \(\\k<name>\) are not supported/],
    ['an octal escape', '\\12', /octal escapes \(\\12\) are not supported: write \\xHH/],
    ['a repeat count over 1000', 'a{1001}', /repetition counts above 1000 \(\{1001\}\) are not supported/],
    ['nested repeats over 1000 in all', '(?:(?:a{0,10}){0,10}){0,11}', /nested repetitions may repeat at most 1000 times/],
    ['a huge program', '\\w{1000}'.repeat(3), /compiles to about 3\d{3} instructions; a pattern may take at most 2000/],
    ['an invalid pattern', '(unclosed', /\/\(unclosed\/: not a valid regular expression \(Unterminated group\)/],
    ['an invalid range', '[z-a]', /\/\[z-a\]\/: not a valid regular expression \(Range out of order/],
    ['a pattern over 1000 characters', 'a'.repeat(1001), /1001 characters long; a pattern may have at most 1000/],
  ];
  for (const [name, pattern, says] of refusals) {
    it(`${name}: /${pattern.slice(0, 30)}/ is refused by verify, count and faults, naming the matcher path`, async () => {
      const app = agent();
      await createTask(app, 'ab');
      for (const [route, body, pointer] of [
        ['/__admin/verify', { body: { title: { matches: pattern } } }, '/body/title/matches'],
        ['/__admin/requests/count', { body: { title: { matches: pattern } } }, '/body/title/matches'],
        ['/__admin/faults', { match: { body: { nested: [{ title: { matches: pattern } }] } }, fault: { status: 503 } }, '/match/body/nested/0/title/matches'],
      ] as const) {
        const res = await app.post(route).send(body);
        assert.equal(res.status, 400, `${route}: ${res.text}`);
        assert.match(res.type, /application\/problem\+json/);
        assert.match(res.body.detail, new RegExp(`^At ${pointer.replaceAll('/', '\\/')}: `), res.body.detail);
        assert.match(res.body.detail, says);
        assert.equal(res.body.errors[0].pointer, pointer);
      }
      assert.deepEqual((await app.get('/__admin/faults')).body.faults, [], 'nothing was queued');
    });
  }

  it(`a path pattern with over ${MAX_WILDCARDS} wildcards or over 1000 characters is a 400, from a body or the query`, async () => {
    const app = agent();
    const many = `/api${'/*'.repeat(MAX_WILDCARDS + 1)}`;
    const verify = await app.post('/__admin/verify').send({ path: many });
    assert.equal(verify.status, 400);
    assert.match(verify.body.detail, new RegExp(`^At /path: the pattern has ${MAX_WILDCARDS + 1} wildcards \\(\\*\\); a path pattern may have at most ${MAX_WILDCARDS}`));
    const listed = await app.get('/__admin/requests').query({ path: many });
    assert.equal(listed.status, 400);
    const fault = await app.post('/__admin/faults').send({ match: { path: `*${'a'.repeat(1000)}` }, fault: { status: 503 } });
    assert.equal(fault.status, 400);
    assert.match(fault.body.detail, /^At \/match\/path: the pattern is 1001 characters long; a path pattern with \* may have at most 1000/);
    assert.equal((await app.post('/__admin/verify').send({ path: `/${'a'.repeat(2000)}`, count: 0 })).status, 200, 'an exact path has no such limit');
  });

  it('a matcher with over 100 patterns, or whose patterns compile to over 2000 instructions together, is a 400', async () => {
    const app = agent();
    const body = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`f${i}`, { matches: `^${i}` }]));
    const many = await app.post('/__admin/verify').send({ body });
    assert.equal(many.status, 400);
    assert.match(many.body.detail, /^At \/body: the body has 101 \{matches\} patterns; a matcher may have at most 100/);
    const big = await app.post('/__admin/verify').send({ body: { a: { matches: '\\w{900}' }, b: { matches: '\\d{900}' }, c: { matches: '[ab]{900}' } } });
    assert.equal(big.status, 400);
    assert.match(big.body.detail, /^At \/body\/c\/matches: .*left of the 2000 a matcher's patterns may take together/);
  });
});

describe('every matcher has a bounded cost', () => {
  it(`a pattern whose worst case on a value passes ${MAX_PATTERN_STEPS} steps is a 400 at the admin API (pattern size x value length)`, async () => {
    const app = agent();
    await createTask(app, 'ab'.repeat(100));
    const res = await app.post('/__admin/verify').send({ body: { title: { matches: 'a[ab]{990}!' } } });
    assert.equal(res.status, 400, res.text);
    assert.match(res.body.detail, /^At body\.title: \/a\[ab\]\{990\}!\/ could take up to [\d,]+ steps on a 200-character value, more than the 100,000 a matcher may spend on one call/);
    const plain = await app.post('/__admin/verify').send({ body: { title: { matches: 'abab' } }, count: 1 });
    assert.equal(plain.status, 200, 'a plain-text pattern is a substring search, outside the budget');
  });

  it('a verification over the whole journal has a budget too, and says how to narrow it', async () => {
    const app = agent();
    for (let i = 0; i < 30; i++) await createTask(app, 'ab'.repeat(500));
    // Size about 100 x 1,001 characters: some 100,000 steps a call, 2,000,000 in all after 20 calls.
    const res = await app.post('/__admin/verify').send({ body: { title: { matches: 'a[ab]{95}!' } } });
    assert.equal(res.status, 400, res.text);
    assert.match(res.body.detail, /more than the 2,000,000 steps one request may spend over the journal.*narrow the matcher/);
    assert.equal((await app.post('/__admin/verify').send({ body: { title: { matches: 'a[ab]{95}!' } }, count: 0 }).set('X-Stub-Session', 'empty')).status, 200);
  });

  it('a queued fault whose pattern is over its budget on a call does not fire, and the call is answered', async () => {
    const app = agent();
    await app.post('/__admin/faults').send({ match: { body: { title: { matches: 'a[ab]{990}' } } }, fault: { status: 503 } }).expect(201);
    assert.equal((await createTask(app, 'a'.repeat(500))).status, 201);
    assert.equal((await createTask(app, 'a'.repeat(50))).status, 201, 'too short to match');
    assert.equal((await app.get('/__admin/faults')).body.faults.length, 1, 'still queued');
  });

  it('one budget per call across the fault queue: it is spent pattern by pattern, and runs out', () => {
    const budget = patternBudget();
    const pattern = compilePattern('a[ab]{95}!');
    const value = 'ab'.repeat(100);
    let ran = 0;
    assert.throws(() => {
      for (;;) {
        pattern.test(value, budget);
        ran++;
      }
    }, PatternCostError);
    assert.equal(ran, Math.floor(MAX_PATTERN_STEPS / (pattern.size * (value.length + 1))));
  });

  it(`pathological patterns against pathological values: a 200, 409 or 400, never more than a blink (fast-check, seed ${SEED})`, async () => {
    const nested = fc.letrec<{ node: string }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom('a', 'b', '.', '\\w', '[ab]', 'a?'),
        fc.tuple(tie('node'), fc.constantFrom('*', '+', '{2,40}', '{0,99}', '?')).map(([n, q]) => `(?:${n})${q}`),
        fc.tuple(tie('node'), tie('node')).map(([x, y]) => `(?:${x}|${y})`),
        fc.tuple(tie('node'), tie('node')).map(([x, y]) => `${x}${y}`),
      ),
    })).node;
    const source = fc.tuple(fc.constantFrom('', '^'), nested, fc.constantFrom('', '$', '!', '!$')).map((p) => p.join(''));
    const value = fc.tuple(fc.constantFrom('a', 'ab', 'aab', 'b'), fc.integer({ min: 1, max: 4000 }), fc.constantFrom('', '!', 'c')).map(([unit, n, end]) => unit.repeat(n).slice(0, 8000) + end);
    const values: string[] = fc.sample(value, { seed: SEED, numRuns: 8 });
    const app = agent();
    for (const title of values) await createTask(app, title);
    await fc.assert(
      fc.asyncProperty(source, async (pattern) => {
        const started = performance.now();
        const res = await app.post('/__admin/verify').send({ body: { title: { matches: pattern } } });
        assert.ok([200, 409, 400].includes(res.status), `${pattern}: ${res.status} ${res.text}`);
        if (res.status === 400) assert.match(res.body.detail, /steps|instructions|not supported|nested repetitions|too large/, res.body.detail);
        // Bounded per call and per request: far below the seconds a backtracking engine takes on these.
        assert.ok(performance.now() - started < 1500, `/${pattern}/ took ${Math.round(performance.now() - started)} ms`);
      }),
      { seed: SEED, numRuns: Math.min(RUNS, 60) },
    );
    assert.equal((await app.get('/__admin/health')).status, 200);
  });
});

describe('elsewhere patterns run: scenarios, the client', () => {
  it('replay refuses a scenario whose pattern needs backtracking when it loads it, naming where', () => {
    const dir = mkdtempSync(join(tmpdir(), 'taskstub-redos-'));
    const file = join(dir, 'lookbehind.json');
    const step = { name: 'create', request: { method: 'POST', path: '/api/Task' }, expect: { headers: { 'content-type': { matches: '(?<=x)json' } }, body: { subject: { matches: '(a)\\1' } } } };
    writeFileSync(file, JSON.stringify({ name: 'patterns', steps: [step] }));
    const loaded = loadScenario(file, createStub({ seed: 1 }).context.registry);
    assert.equal(loaded.scenario, undefined);
    assert.deepEqual(loaded.errors, [
      '/steps/0/expect/headers/content-type/matches /(?<=x)json/: lookbehind (?<=...) is not supported: matchers run on a linear-time engine (RE2)',
      '/steps/0/expect/body/subject/matches /(a)\\1/: backreferences (\\1) are not supported: matchers run on a linear-time engine (RE2)',
    ]);
  });

  it('the typed client\'s subset rule (isSubset) runs patterns on the same engine: ^(a+)+$ is instant, an unsupported one throws PatternError', () => {
    assert.equal(isSubset({ title: { matches: '^(a+)+$' } }, { title: `${'a'.repeat(40)}!` }), false);
    assert.equal(isSubset({ title: { matches: '^(a+)+$' } }, { title: 'a'.repeat(40) }), true);
    assert.throws(() => isSubset({ title: { matches: '(?=a)' } }, { title: 'a' }), PatternError);
    assert.throws(() => compileMatcher({ body: { title: { matches: '(?=a)' } } }), MatcherError);
  });
});
