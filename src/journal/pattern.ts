// The regular expressions users give ({"matches": "..."} in admin matchers,
// queued faults and scenario expectations) run on RE2 (the re2js package, a
// pure-JS port), whose matching time is linear in the text, never on V8's
// backtracking RegExp: "^(a+)+$" against 35 characters used to stop the
// whole stub for minutes.
//
// Users write JavaScript syntax, as they always have: a pattern is first
// checked by `new RegExp(source)` (only parsed, never run), then translated
// token by token into RE2 syntax with JavaScript's meaning (`.` stops at \r,
// \u2028 and \u2029 too; `\s` is JavaScript's whitespace; `\a` is "a"; `[]`
// matches nothing). What needs backtracking (lookahead, lookbehind,
// backreferences) is refused with the reason, never silently mismatched.
//
// Linear is not free: RE2's worst case is (program size) x (text length)
// steps. A matcher is given a budget of steps per call it looks at
// (MAX_PATTERN_STEPS), checked before each pattern runs, so one evaluation
// stays within milliseconds whatever the pattern and the value.
import { createRequire } from 'node:module';
import type { RE2JS } from 're2js';

/** Longest pattern accepted, in characters. */
export const MAX_PATTERN_LENGTH = 1000;
/** RE2's own bound on a counted repetition ({n,m}). */
export const MAX_REPEAT = 1000;
/**
 * Most instructions a pattern, or a matcher's patterns together, may compile
 * to: compiling takes up to some 20 us an instruction, and the program's size
 * is the factor in every test's cost. `.{0,999}` is about 2,000.
 */
export const MAX_PROGRAM_SIZE = 2000;
/**
 * Worst-case engine steps one matcher may spend on one call: for each
 * pattern it runs, the compiled program's size times the value's length.
 * On a pattern built to defeat RE2's DFA (a[ab]{100}! on random a and b) a
 * step took 25 to 70 ns on a busy 2-core machine: a few milliseconds at
 * most. A typical pattern (size 5 to 30) may run on values of 3,000 to
 * 20,000 characters; a plain text pattern on any value (it is a substring search).
 */
export const MAX_PATTERN_STEPS = 100_000;
/**
 * Worst-case engine steps the patterns of one admin request (a verification
 * or a count over the whole journal) may spend in all: a tenth of a second or
 * so at worst. Typical patterns on titles fit some 10,000 calls.
 */
export const MAX_REQUEST_STEPS = 2_000_000;
/**
 * Memory each compiled pattern's DFA may keep (RE2's default is 8 MB, which
 * a pattern built to explode the DFA does fill, and keeps: a queued fault or
 * a cached pattern held that much). Past it RE2 resets its cache or runs its
 * NFA, still linear, and the step budget above still bounds the time.
 */
const DFA_MEMORY = 256 * 1024;

/** A pattern that cannot be used: its source and why, in words. */
export class PatternError extends Error {
  constructor(
    readonly source: string,
    readonly reason: string,
  ) {
    super(`/${source}/: ${reason}`);
    this.name = 'PatternError';
  }
}

/** A pattern that would cost more than its budget on this value: refused rather than run. */
export class PatternCostError extends Error {
  constructor(
    readonly source: string,
    readonly steps: number,
    readonly valueLength: number,
    readonly limit: number,
    /** Whose budget ran out: one call's, or the whole request's (a verification over the journal). */
    readonly scope: 'call' | 'request',
    /** Where in the body the value is (body.description), once known. */
    public at?: string,
  ) {
    super(
      scope === 'call'
        ? `/${source}/ could take up to ${steps.toLocaleString('en-US')} steps on a ${valueLength.toLocaleString('en-US')}-character value, ` +
            `more than the ${limit.toLocaleString('en-US')} a matcher may spend on one call (steps: the pattern's compiled size times the value's length; ` +
            'a shorter pattern, fewer or smaller {n,m} repetitions, or a shorter value fit)'
        : `/${source}/ and the matcher's other patterns would take more than the ${limit.toLocaleString('en-US')} steps one request may spend over the journal ` +
            "(steps: each pattern's compiled size times each value's length); narrow the matcher (session, path, method) or clear the journal",
    );
    this.name = 'PatternCostError';
  }
}

/** Steps left for one evaluation of a matcher against one call, and of the request's total when there is one. */
export interface PatternBudget {
  left: number;
  total?: PatternBudget;
}

/** A budget for one call; `total`, the request's, is charged as well. */
export const patternBudget = (total?: PatternBudget): PatternBudget => ({ left: MAX_PATTERN_STEPS, total });
/** A budget for one admin request over many calls: pass it to patternBudget() for each. */
export const requestBudget = (): PatternBudget => ({ left: MAX_REQUEST_STEPS });

export interface Pattern {
  readonly source: string;
  /** The compiled program's size: a test costs up to this times the value's length. */
  readonly size: number;
  /** Whether the pattern is found anywhere in `value`, as RegExp.prototype.test says; charged to `budget` when given. */
  test(value: string, budget?: PatternBudget): boolean;
}

// Loaded on first use: most runs never see a pattern, and the engine's 260 KB would add to every start.
type Engine = typeof RE2JS;
let engine: Engine | undefined;
function re2(): Engine {
  engine ??= (createRequire(import.meta.url)('re2js') as { RE2JS: Engine }).RE2JS;
  return engine;
}

const LINEAR = 'matchers run on a linear-time engine (RE2)';

/** JavaScript's \s (WhiteSpace and LineTerminator), as code point ranges. */
const JS_SPACE: readonly (readonly [number, number])[] = [
  [0x09, 0x0d],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
];
const MAX_CODE_POINT = 0x10ffff;

const hex = (cp: number) => `\\x{${cp.toString(16)}}`;
const ranges = (list: readonly (readonly [number, number])[]) => list.map(([a, b]) => (a === b ? hex(a) : `${hex(a)}-${hex(b)}`)).join('');
const complement = (list: readonly (readonly [number, number])[]) => {
  const out: [number, number][] = [];
  let next = 0;
  for (const [a, b] of list) {
    if (a > next) out.push([next, a - 1]);
    next = b + 1;
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
  return out;
};
const SPACE_ITEMS = ranges(JS_SPACE);
const NOT_SPACE_ITEMS = ranges(complement(JS_SPACE));
const ANY = `[${hex(0)}-${hex(MAX_CODE_POINT)}]`;
const NOTHING = `[^${hex(0)}-${hex(MAX_CODE_POINT)}]`;
/** JavaScript's `.` without the s flag: anything but a line terminator. */
const DOT = `[^${hex(0x0a)}${hex(0x0d)}${hex(0x2028)}${hex(0x2029)}]`;

/** A literal character for RE2: letters, digits and _ as themselves, anything else as \x{...} (never a metacharacter). */
const literal = (cp: number) => (/[A-Za-z0-9_]/.test(String.fromCodePoint(cp)) ? String.fromCodePoint(cp) : hex(cp));

const isHex = (text: string) => /^[0-9A-Fa-f]+$/.test(text);
const isHigh = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
const isLow = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;

/** Capturing groups (numbered or named) and whether any is named: what \1 and \k<name> refer to. */
function countGroups(source: string): { groups: number; named: boolean } {
  let groups = 0;
  let named = false;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') {
      if (source[i + 1] !== '?') groups++;
      else if (source[i + 2] === '<' && source[i + 3] !== '=' && source[i + 3] !== '!') {
        groups++;
        named = true;
      }
    }
  }
  return { groups, named };
}

/**
 * `source`, valid JavaScript (no flags, Annex B syntax as V8 reads it), in
 * RE2 syntax with the same meaning, and about how many instructions RE2
 * will compile it to (to refuse a huge one before paying for its compile).
 * Throws PatternError for what RE2 cannot do. Captures become (?:...)
 * groups: only whether it matches is asked.
 */
export function translate(source: string): { re2: string; size: number } {
  const { groups, named } = countGroups(source);
  const out: string[] = [];
  let i = 0;
  const refuse = (reason: string): never => {
    throw new PatternError(source, reason);
  };
  const at = (k: number) => source.charCodeAt(k);

  /** One character (a surrogate pair as one code point), from i; moves past it. */
  function character(): number {
    const unit = at(i);
    if (isHigh(unit) && isLow(at(i + 1))) {
      i += 2;
      return ((unit - 0xd800) << 10) + (at(i - 1) - 0xdc00) + 0x10000;
    }
    i += 1;
    return unit;
  }

  /** \uHHHH (a pair of them for a character past U+FFFF) at i, else undefined. */
  function unicodeEscape(): number | undefined {
    const digits = source.slice(i + 2, i + 6);
    if (source[i + 1] !== 'u' || digits.length !== 4 || !isHex(digits)) return undefined;
    const unit = parseInt(digits, 16);
    i += 6;
    const low = source.slice(i + 2, i + 6);
    if (isHigh(unit) && source[i] === '\\' && source[i + 1] === 'u' && low.length === 4 && isHex(low) && isLow(parseInt(low, 16))) {
      i += 6;
      return ((unit - 0xd800) << 10) + (parseInt(low, 16) - 0xdc00) + 0x10000;
    }
    return unit;
  }

  /**
   * The escape at i (source[i] is the backslash) that means one character, the
   * same inside and outside a class; moves past it. Undefined (and i unmoved)
   * when it is another kind.
   */
  function characterEscape(inClass: boolean): number | undefined {
    const next = source[i + 1] ?? '';
    const controls: Record<string, number> = { f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b };
    if (next in controls) {
      i += 2;
      return controls[next];
    }
    if (next === 'c') {
      // \cA is control-A; elsewhere (Annex B) the backslash is itself and "c" comes next. In a class, \c1 and \c_ count too.
      const letter = source[i + 2] ?? '';
      if (/[A-Za-z]/.test(letter) || (inClass && /[0-9_]/.test(letter))) {
        i += 3;
        return letter.charCodeAt(0) % 32;
      }
      i += 1;
      return 0x5c;
    }
    if (next === 'x') {
      const digits = source.slice(i + 2, i + 4);
      if (digits.length === 2 && isHex(digits)) {
        i += 4;
        return parseInt(digits, 16);
      }
      i += 2;
      return 0x78;
    }
    if (next === 'u') {
      const cp = unicodeEscape();
      if (cp !== undefined) return cp;
      i += 2;
      return 0x75;
    }
    if (next === '0' && !/[0-9]/.test(source[i + 2] ?? '')) {
      i += 2;
      return 0;
    }
    if (/[0-9]/.test(next)) {
      const digits = /^[0-9]+/.exec(source.slice(i + 1))?.[0] ?? next;
      if (!inClass && !digits.startsWith('0') && Number(digits) <= groups) refuse(`backreferences (\\${digits}) are not supported: ${LINEAR}`);
      if (/^[89]/.test(digits)) {
        // Annex B: \8 and \9 that refer to no group are the digits themselves.
        i += 2;
        return next.charCodeAt(0);
      }
      refuse(`octal escapes (\\${digits}) are not supported: write \\xHH or \\uHHHH`);
    }
    if (next === 'k' && named && !inClass) refuse(`backreferences (\\k<name>) are not supported: ${LINEAR}`);
    if (/[dDwWsSbB]/.test(next)) return undefined;
    // Any other escaped character is itself (\/, \., \a, \-).
    i += 1;
    return character();
  }

  /** A class's contents from i (after [ and ^) up to its ], as RE2 class items. */
  function classItems(): string {
    const items: string[] = [];
    /** One class atom: a code point, or a set (\d, \s, ...) as RE2 items. */
    const atom = (): number | string => {
      if (source[i] !== '\\') return character();
      const next = source[i + 1] ?? '';
      if (next === 'b') {
        i += 2;
        return 0x08; // backspace, inside a class
      }
      if (next === 's' || next === 'S') {
        i += 2;
        return next === 's' ? SPACE_ITEMS : NOT_SPACE_ITEMS;
      }
      if (/[dDwW]/.test(next)) {
        i += 2;
        return `\\${next}`;
      }
      if (next === 'B') {
        i += 2;
        return 0x42; // \B in a class is "B" (Annex B)
      }
      return characterEscape(true) as number;
    };
    while (i < source.length && source[i] !== ']') {
      const first = atom();
      if (typeof first === 'number' && source[i] === '-' && source[i + 1] !== ']' && i + 1 < source.length) {
        i += 1;
        const last = atom();
        if (typeof last === 'number') items.push(`${hex(first)}-${hex(last)}`);
        else items.push(hex(first), hex(0x2d), last); // [a-\d]: the dash is itself (Annex B)
        continue;
      }
      items.push(typeof first === 'number' ? hex(first) : first);
      if (typeof first === 'string' && source[i] === '-' && source[i + 1] !== ']') {
        items.push(hex(0x2d)); // [\d-a]: the dash is itself (Annex B)
        i += 1;
      }
    }
    i += 1; // the ]
    return items.join('');
  }

  /**
   * Open groups, outermost first: dotAll from (?s:...) modifiers, and the
   * estimated program size so far and of the last term (what a quantifier
   * repeats): RE2 copies a term once per count of {n,m}.
   */
  const frames: { dotAll: boolean; size: number; last: number }[] = [{ dotAll: false, size: 0, last: 0 }];
  const frame = () => frames[frames.length - 1] as { dotAll: boolean; size: number; last: number };
  let quantified = false;
  /** A term of one instruction (a character, a class); `repeatable` false for anchors and |. */
  const term = (text: string, repeatable = true) => {
    out.push(text);
    frame().size += 1;
    frame().last = repeatable ? 1 : 0;
    quantified = false;
  };
  /** x{n,m} is n copies of x and m - n optional ones (a split each); `most` undefined: no upper bound (a loop). */
  const quantifier = (text: string, least: number, most: number | undefined) => {
    out.push(text);
    const f = frame();
    f.size += least * f.last + (most === undefined ? f.last + 1 : (most - least) * (f.last + 1)) - f.last;
    quantified = true;
  };

  while (i < source.length) {
    const c = source[i] as string;
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      if (/[dDwW]/.test(next)) {
        term(`\\${next}`);
        i += 2;
      } else if (next === 'b' || next === 'B') {
        term(`\\${next}`, false);
        i += 2;
      } else if (next === 's' || next === 'S') {
        term(next === 's' ? `[${SPACE_ITEMS}]` : `[${NOT_SPACE_ITEMS}]`);
        i += 2;
      } else term(literal(characterEscape(false) as number));
    } else if (c === '[') {
      const negated = source[i + 1] === '^';
      i += negated ? 2 : 1;
      if (source[i] === ']') {
        i += 1;
        term(negated ? ANY : NOTHING); // [^] is anything, [] nothing
      } else term(`[${negated ? '^' : ''}${classItems()}]`);
    } else if (c === '(') {
      const rest = source.slice(i, i + 4);
      if (rest.startsWith('(?=') || rest.startsWith('(?!')) refuse(`lookahead ${rest.slice(0, 3)}...) is not supported: ${LINEAR}`);
      if (rest.startsWith('(?<=') || rest.startsWith('(?<!')) refuse(`lookbehind ${rest}...) is not supported: ${LINEAR}`);
      const modifiers = /^\(\?([a-z]*)(?:-([a-z]*))?:/.exec(source.slice(i));
      let open = '(?:';
      let dot = frame().dotAll;
      if (rest.startsWith('(?<')) i = source.indexOf('>', i) + 1;
      else if (modifiers) {
        const [whole, on = '', off = ''] = modifiers;
        if ((on + off).includes('m')) refuse(`the m modifier is not supported: ${LINEAR}, whose line ends are not JavaScript's`);
        if (on.includes('s')) dot = true;
        if (off.includes('s')) dot = false;
        const fold = `${on.includes('i') ? 'i' : ''}${off.includes('i') ? '-i' : ''}`;
        if (fold) open = `(?${fold}:`;
        i += whole.length;
      } else i += 1;
      frames.push({ dotAll: dot, size: 0, last: 0 });
      out.push(open);
      quantified = false;
    } else if (c === ')') {
      const group = frames.pop() as { size: number };
      out.push(')');
      frame().size += group.size + 1;
      frame().last = group.size + 1;
      quantified = false;
      i += 1;
    } else if (c === '.') {
      term(frame().dotAll ? ANY : DOT);
      i += 1;
    } else if (c === '{') {
      // A counted repetition, or (Annex B) a plain brace.
      const counted = /^\{(\d+)(?:(,)(\d*))?\}/.exec(source.slice(i));
      if (counted) {
        const [whole, least, comma, most] = counted;
        if (Number(least) > MAX_REPEAT || Number(most || 0) > MAX_REPEAT) refuse(`repetition counts above ${MAX_REPEAT} (${whole}) are not supported: ${LINEAR}`);
        quantifier(whole, Number(least), comma === undefined ? Number(least) : most ? Number(most) : undefined);
        i += whole.length;
      } else {
        term(hex(0x7b));
        i += 1;
      }
    } else if (c === '?' && quantified) {
      // Lazy (a*?): the same language, so the same test.
      out.push(c);
      quantified = false;
      i += 1;
    } else if (c === '*' || c === '+' || c === '?') {
      out.push(c); // one split instruction each
      frame().size += 1;
      quantified = true;
      i += 1;
    } else if (c === '^' || c === '$' || c === '|') {
      term(c, false);
      i += 1;
    } else term(literal(character()));
  }
  return { re2: out.join(''), size: frame().size + 1 };
}

const cache = new Map<string, Pattern>();
/** Compiled patterns kept for reuse (the client's and replay's checks, repeated matchers); the oldest go first. */
const CACHE_SIZE = 256;

/**
 * Checks and compiles `source`; throws PatternError naming what is wrong.
 * `room`: the instructions it may take (what is left of a matcher's
 * MAX_PROGRAM_SIZE), checked on an estimate before compiling.
 */
export function compilePattern(source: string, room = MAX_PROGRAM_SIZE): Pattern {
  const tooLarge = (size: number): never => {
    throw new PatternError(
      source,
      room < MAX_PROGRAM_SIZE
        ? `compiles to about ${size} instructions, with ${room} left of the ${MAX_PROGRAM_SIZE} a matcher's patterns may take together`
        : `compiles to about ${size} instructions; a pattern may take at most ${MAX_PROGRAM_SIZE} (use fewer or smaller {n,m} repetitions)`,
    );
  };
  const known = cache.get(source);
  if (known) {
    if (known.size > room) tooLarge(known.size);
    cache.delete(source);
    cache.set(source, known);
    return known;
  }
  if (source.length > MAX_PATTERN_LENGTH) throw new PatternError(`${source.slice(0, 40)}...`, `${source.length} characters long; a pattern may have at most ${MAX_PATTERN_LENGTH}`);
  try {
    // Only parsed, never run: JavaScript's own word on the syntax, with its message.
    new RegExp(source);
  } catch (error) {
    throw new PatternError(source, `not a valid regular expression (${(error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '')})`);
  }
  if (!/[\\^$.|?*+()[\]{}]/.test(source)) return remember(literalPattern(source));
  const translated = translate(source);
  // The estimate can be twice the truth (RE2 makes a|b one class): only a clear excess is refused before compiling.
  if (translated.size > 2 * room) tooLarge(translated.size);
  let program: RE2JS;
  try {
    program = re2().compile(translated.re2);
  } catch (error) {
    const message = (error as Error).message.replace(/^error parsing regexp: /, '');
    if (/invalid repeat count/.test(message)) throw new PatternError(source, `nested repetitions may repeat at most ${MAX_REPEAT} times in all: ${LINEAR}`);
    throw new PatternError(source, /too large|too deep|nest/i.test(message) ? `too large for the linear-time engine (${message})` : `not accepted by the linear-time engine (${message})`);
  }
  const size = program.programSize();
  if (size > room) tooLarge(size);
  // re2js has no public knob for one pattern's DFA memory (RE2Set has, but loses the fast paths): its DFA's own fields.
  const dfa = (program.re2() as unknown as { dfa?: { stateBudget?: unknown; memBudget?: unknown } }).dfa;
  if (dfa && typeof dfa.stateBudget === 'number' && typeof dfa.memBudget === 'number') dfa.stateBudget = dfa.memBudget = DFA_MEMORY;
  return remember({
    source,
    size,
    test(value, budget) {
      if (budget) {
        const steps = size * (value.length + 1);
        if (steps > budget.left) throw new PatternCostError(source, steps, value.length, MAX_PATTERN_STEPS, 'call');
        if (budget.total && steps > budget.total.left) throw new PatternCostError(source, steps, value.length, MAX_REQUEST_STEPS, 'request');
        budget.left -= steps;
        if (budget.total) budget.total.left -= steps;
      }
      return program.test(value);
    },
  });
}

function remember(pattern: Pattern): Pattern {
  cache.set(pattern.source, pattern);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return pattern;
}

/** A pattern without a metacharacter is a substring search: linear whatever the value, so free of the step budget. */
function literalPattern(source: string): Pattern {
  return { source, size: 1, test: (value) => value.includes(source) };
}
