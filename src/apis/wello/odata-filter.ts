// OData v4 `$filter` and `$orderby` for GET api/TaskView (docs/fidelity.md, Wello: Read-back routes): a small,
// total recursive-descent parser. Every input ends in a compiled predicate or an ODataQueryError (the route's 400),
// never an exception of another kind: the text is bounded in length, the tree in nodes (ASP.NET OData's
// ODataValidationSettings.MaxNodeCount, 100) and in depth; the lexer scans each character once (its sticky regular
// expressions have fixed-length or single-class repeats, so nothing backtracks); nothing is evaluated as code.
//
// The grammar, with OData's precedence (not, then comparison, then and, then or), operators case-sensitive as the
// vendor says ("+and+", HelpGuide CreateYourOwnServiceDesk):
//   or      := and ('or' and)*
//   and     := compare ('and' compare)*
//   compare := unary (('eq'|'ne'|'gt'|'ge'|'lt'|'le') unary)*
//   unary   := 'not' unary | primary
//   primary := '(' or ')' | literal | property | function '(' or (',' or)* ')'
// Literals as OData v4 writes them: 'text' ('' is a quote), integers and decimals, true, false, null, GUIDs
// unquoted, DateTimeOffset (2026-01-01T10:00:00Z) and Date (2026-01-01) unquoted. The messages are ODataLib's
// (Microsoft.OData.Core's resources) as far as known, positions counted from 0 [inferred].
import { type DotNetDateTime, parseDotNetDateTime } from '../../core/dotnet-datetime.js';
import type { FieldKind, TaskValue } from './fields.js';

/** A $filter or $orderby that cannot be used: the message is what the 400 says after "The query specified in the URI is not valid. ". */
export class ODataQueryError extends Error {
  override name = 'ODataQueryError';
}

/** IIS's default maxQueryString is 2048 characters [inferred]: no filter the real server reads is longer. */
export const MAX_FILTER_LENGTH = 2048;
/** ODataValidationSettings.MaxNodeCount's default (ASP.NET OData's EnableQueryAttribute). */
export const MAX_NODE_COUNT = 100;
/** Nesting of parentheses and `not` [assumption: ODataLib's own recursion limit is higher, 800; 100 is past any real filter]. */
export const MAX_DEPTH = 100;

/** The value types of the language: the fields' kinds plus the literals'. */
type ValueType = 'string' | 'guid' | 'integer' | 'decimal' | 'boolean' | 'date' | 'null';

const EDM: Record<ValueType, string> = {
  string: 'Edm.String',
  guid: 'Edm.Guid',
  integer: 'Edm.Int32',
  decimal: 'Edm.Decimal',
  boolean: 'Edm.Boolean',
  date: 'Edm.DateTimeOffset',
  null: '<null>',
};

/** What a compiled expression gives for one item: a field's value as the view holds it, or a literal's. */
type Value = string | number | boolean | null | DotNetDateTime;
type Item = Readonly<Record<string, TaskValue>>;
type Evaluate = (item: Item) => Value;

interface Expr {
  type: ValueType;
  evaluate: Evaluate;
  /** A string literal's text (it may stand for a GUID or a date, see coerce). */
  literal?: string;
}

type Token =
  | { kind: 'word'; text: string; at: number }
  | { kind: 'string'; text: string; at: number }
  | { kind: 'number'; text: string; at: number }
  | { kind: 'guid'; text: string; at: number }
  | { kind: 'date'; text: string; at: number }
  | { kind: '(' | ')' | ','; text: string; at: number }
  | { kind: 'end'; text: ''; at: number };

// Sticky: each tries to match at one position only, and each repeat is of one class or of fixed length.
const GUID = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/y;
const DATE = /\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:\d{2}))?/y;
const NUMBER = /-?\d+(?:\.\d+)?/y;
const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
// A literal or a name must not run on into letters or digits: `123abc` is a syntax error, not 123 then abc.
const WORD_CHAR = /[A-Za-z0-9_]/;

function stickyAt(pattern: RegExp, text: string, at: number): string | undefined {
  pattern.lastIndex = at;
  return pattern.exec(text)?.[0];
}

class Lexer {
  readonly tokens: Token[] = [];

  constructor(readonly text: string) {
    let i = 0;
    while (i < text.length) {
      const c = text[i]!;
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
        i++;
        continue;
      }
      if (c === '(' || c === ')' || c === ',') {
        this.tokens.push({ kind: c, text: c, at: i });
        i++;
        continue;
      }
      if (c === "'") {
        i = this.#string(i);
        continue;
      }
      const token = this.#literalOrWord(i);
      if (!token) throw new ODataQueryError(`Syntax error: character '${c}' is not valid at position ${i} in '${text}'.`);
      const end = i + token.text.length;
      if (end < text.length && WORD_CHAR.test(text[end]!)) throw new ODataQueryError(`Syntax error at position ${end} in '${text}'.`);
      this.tokens.push(token);
      i = end;
    }
    this.tokens.push({ kind: 'end', text: '', at: text.length });
  }

  #string(start: number): number {
    let value = '';
    let i = start + 1;
    for (;;) {
      const quote = this.text.indexOf("'", i);
      if (quote < 0) throw new ODataQueryError(`There is an unterminated string literal at position ${this.text.length} in '${this.text}'.`);
      value += this.text.slice(i, quote);
      if (this.text[quote + 1] === "'") {
        value += "'";
        i = quote + 2;
        continue;
      }
      this.tokens.push({ kind: 'string', text: value, at: start });
      return quote + 1;
    }
  }

  #literalOrWord(at: number): Token | undefined {
    const guid = stickyAt(GUID, this.text, at);
    if (guid) return { kind: 'guid', text: guid, at };
    const date = stickyAt(DATE, this.text, at);
    if (date) return { kind: 'date', text: date, at };
    const number = stickyAt(NUMBER, this.text, at);
    if (number) return { kind: 'number', text: number, at };
    const word = stickyAt(WORD, this.text, at);
    return word ? { kind: 'word', text: word, at } : undefined;
  }
}

const COMPARISONS = {
  eq: 'Equal',
  ne: 'NotEqual',
  gt: 'GreaterThan',
  ge: 'GreaterThanOrEqual',
  lt: 'LessThan',
  le: 'LessThanOrEqual',
} as const;
type Comparison = keyof typeof COMPARISONS;
const isComparison = (word: string): word is Comparison => Object.hasOwn(COMPARISONS, word);

const STRING_FUNCTIONS = { contains: (a: string, b: string) => a.includes(b), startswith: (a: string, b: string) => a.startsWith(b), endswith: (a: string, b: string) => a.endsWith(b) } as const;
const CASE_FUNCTIONS = { tolower: (a: string) => a.toLowerCase(), toupper: (a: string) => a.toUpperCase() } as const;

/** -1, 0 or 1; both sides non-null and of comparable types (checked when parsing). */
function order(a: Exclude<Value, null>, b: Exclude<Value, null>): number {
  const x = typeof a === 'object' ? a.ticks : a;
  const y = typeof b === 'object' ? b.ticks : b;
  return x < y ? -1 : x > y ? 1 : 0;
}

function compare(op: Comparison, a: Value, b: Value): boolean {
  // OData's null: equal only to null, and neither greater nor less than anything.
  if (a === null || b === null) return op === 'eq' ? a === b : op === 'ne' ? a !== b : false;
  const c = order(a, b);
  switch (op) {
    case 'eq':
      return c === 0;
    case 'ne':
      return c !== 0;
    case 'gt':
      return c > 0;
    case 'ge':
      return c >= 0;
    case 'lt':
      return c < 0;
    case 'le':
      return c <= 0;
  }
}

const numeric = (t: ValueType) => t === 'integer' || t === 'decimal';

/**
 * A string literal against a GUID or date property, read as that type. The vendor's own example compares a date
 * so, `$filter=date_create gt '…'` (HelpGuide LinkErp) [doc]; strict OData would refuse it as a type mismatch.
 */
function coerce(literal: Expr, to: ValueType): Expr | undefined {
  if (literal.literal === undefined) return undefined;
  if (to === 'guid' && /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(literal.literal)) {
    const value = literal.literal.toLowerCase();
    return { type: 'guid', evaluate: () => value };
  }
  if (to === 'date') {
    const value = parseDotNetDateTime(literal.literal);
    if (value) return { type: 'date', evaluate: () => value };
  }
  return undefined;
}

/** The two sides made comparable, or undefined when OData would refuse the pair. */
function comparable(left: Expr, right: Expr): [Expr, Expr] | undefined {
  if (left.type === right.type || left.type === 'null' || right.type === 'null') return [left, right];
  if (numeric(left.type) && numeric(right.type)) return [left, right];
  if (left.type === 'string') {
    const coerced = coerce(left, right.type);
    return coerced ? [coerced, right] : undefined;
  }
  if (right.type === 'string') {
    const coerced = coerce(right, left.type);
    return coerced ? [left, coerced] : undefined;
  }
  return undefined;
}

export interface FilterOptions {
  /** The properties a filter may name, and their kinds. */
  properties: ReadonlyMap<string, FieldKind>;
  /** The entity type's name in messages. */
  typeName: string;
}

class Parser {
  #next = 0;
  #nodes = 0;
  #depth = 0;
  readonly #tokens: Token[];

  constructor(
    readonly text: string,
    readonly options: FilterOptions,
  ) {
    this.#tokens = new Lexer(text).tokens;
  }

  get #peek(): Token {
    return this.#tokens[this.#next]!;
  }

  #take(): Token {
    return this.#tokens[this.#next++]!;
  }

  #node<T extends Expr>(expr: T): T {
    if (++this.#nodes > MAX_NODE_COUNT) {
      throw new ODataQueryError(`The node count limit of '${MAX_NODE_COUNT}' has been exceeded. To increase the limit, set the 'MaxNodeCount' property on EnableQueryAttribute or ODataValidationSettings.`);
    }
    return expr;
  }

  #enter(): void {
    if (++this.#depth > MAX_DEPTH) throw new ODataQueryError('The recursion limit has been exceeded.');
  }

  #isWord(text: string): boolean {
    const token = this.#peek;
    return token.kind === 'word' && token.text === text;
  }

  #syntaxError(token: Token): ODataQueryError {
    return new ODataQueryError(`Syntax error at position ${token.at} in '${this.text}'.`);
  }

  /** The whole text as one expression. */
  expression(): Expr {
    const expr = this.#or();
    const rest = this.#peek;
    if (rest.kind !== 'end') throw this.#syntaxError(rest);
    return expr;
  }

  /** The whole text as a comma-separated list of `property [asc|desc]`. */
  orderBy(): { property: string; type: ValueType; descending: boolean }[] {
    const keys: { property: string; type: ValueType; descending: boolean }[] = [];
    for (;;) {
      const token = this.#take();
      if (token.kind === 'end' && keys.length === 0) throw new ODataQueryError(`Expression expected at position ${token.at} in '${this.text}'.`);
      if (token.kind !== 'word') throw this.#syntaxError(token);
      const type = this.#propertyType(token.text);
      this.#node({ type, evaluate: () => null });
      let descending = false;
      if (this.#isWord('asc') || this.#isWord('desc')) descending = this.#take().text === 'desc';
      keys.push({ property: token.text, type, descending });
      const after = this.#take();
      if (after.kind === 'end') return keys;
      if (after.kind !== ',') throw this.#syntaxError(after);
    }
  }

  #propertyType(name: string): ValueType {
    const kind = this.options.properties.get(name);
    if (kind === undefined) throw new ODataQueryError(`Could not find a property named '${name}' on type '${this.options.typeName}'.`);
    return kind;
  }

  #binaryBoolean(word: 'and' | 'or', operand: () => Expr): Expr {
    let left = operand();
    while (this.#isWord(word)) {
      this.#take();
      const right = operand();
      if (left.type !== 'boolean' || right.type !== 'boolean') {
        const bad = left.type !== 'boolean' ? left : right;
        if (bad.type !== 'null') throw this.#incompatible(left, right, word === 'and' ? 'And' : 'Or');
      }
      const [a, b] = [left.evaluate, right.evaluate];
      left = this.#node({ type: 'boolean', evaluate: word === 'and' ? (item) => a(item) === true && b(item) === true : (item) => a(item) === true || b(item) === true });
    }
    return left;
  }

  #or(): Expr {
    return this.#binaryBoolean('or', () => this.#and());
  }

  #and(): Expr {
    return this.#binaryBoolean('and', () => this.#compare());
  }

  #incompatible(left: Expr, right: Expr, kind: string): ODataQueryError {
    return new ODataQueryError(`A binary operator with incompatible types was detected. Found operand types '${EDM[left.type]}' and '${EDM[right.type]}' for operator kind '${kind}'.`);
  }

  #compare(): Expr {
    let left = this.#unary();
    while (this.#peek.kind === 'word' && isComparison(this.#peek.text)) {
      const op = this.#take().text as Comparison;
      const right = this.#unary();
      const pair = comparable(left, right);
      if (!pair) throw this.#incompatible(left, right, COMPARISONS[op]);
      const [a, b] = [pair[0].evaluate, pair[1].evaluate];
      left = this.#node({ type: 'boolean', evaluate: (item) => compare(op, a(item), b(item)) });
    }
    return left;
  }

  #unary(): Expr {
    if (!this.#isWord('not')) return this.#primary();
    this.#take();
    this.#enter();
    const operand = this.#unary();
    this.#depth--;
    if (operand.type !== 'boolean' && operand.type !== 'null') {
      throw new ODataQueryError(`A unary operator with an incompatible type was detected. Found operand type '${EDM[operand.type]}' for operator kind 'Not'.`);
    }
    const inner = operand.evaluate;
    return this.#node({ type: 'boolean', evaluate: (item) => inner(item) === false });
  }

  #primary(): Expr {
    const token = this.#take();
    switch (token.kind) {
      case '(': {
        this.#enter();
        const inner = this.#or();
        this.#depth--;
        const close = this.#take();
        if (close.kind !== ')') throw new ODataQueryError(`')' or operator expected at position ${close.at} in '${this.text}'.`);
        return inner;
      }
      case 'string': {
        const value = token.text;
        return this.#node({ type: 'string', evaluate: () => value, literal: value });
      }
      case 'number': {
        const value = Number(token.text);
        const integer = !token.text.includes('.');
        if (integer && !Number.isSafeInteger(value)) throw new ODataQueryError(`Syntax error at position ${token.at} in '${this.text}'.`);
        return this.#node({ type: integer ? 'integer' : 'decimal', evaluate: () => value });
      }
      case 'guid': {
        const value = token.text.toLowerCase();
        return this.#node({ type: 'guid', evaluate: () => value });
      }
      case 'date': {
        const value = parseDotNetDateTime(token.text);
        if (!value) throw new ODataQueryError(`Syntax error at position ${token.at} in '${this.text}'.`);
        return this.#node({ type: 'date', evaluate: () => value });
      }
      case 'word':
        return this.#word(token);
      default:
        throw new ODataQueryError(`Expression expected at position ${token.at} in '${this.text}'.`);
    }
  }

  #word(token: Token & { kind: 'word' }): Expr {
    const name = token.text;
    if (name === 'true' || name === 'false') {
      const value = name === 'true';
      return this.#node({ type: 'boolean', evaluate: () => value });
    }
    if (name === 'null') return this.#node({ type: 'null', evaluate: () => null });
    if (this.#peek.kind === '(') return this.#call(token);
    // An operator where an operand belongs: `subject eq and`, `and x`.
    if (name === 'and' || name === 'or' || isComparison(name)) throw new ODataQueryError(`Expression expected at position ${token.at} in '${this.text}'.`);
    const type = this.#propertyType(name);
    return this.#node({ type, evaluate: (item) => (item[name] ?? null) as Value });
  }

  #call(token: Token & { kind: 'word' }): Expr {
    const name = token.text;
    this.#take(); // (
    this.#enter();
    const args: Expr[] = [this.#or()];
    while (this.#peek.kind === ',') {
      this.#take();
      args.push(this.#or());
    }
    this.#depth--;
    const close = this.#take();
    if (close.kind !== ')') throw new ODataQueryError(`')' or ',' expected at position ${close.at} in '${this.text}'.`);
    const strings = (count: number) => {
      if (args.length !== count || args.some((a) => a.type !== 'string' && a.type !== 'null')) {
        throw new ODataQueryError(`No function signature for the function with name '${name}' matches the specified arguments. The function signatures considered are: ${name}(${Array(count).fill('Edm.String').join(', ')}).`);
      }
      return args.map((a) => a.evaluate);
    };
    if (Object.hasOwn(STRING_FUNCTIONS, name)) {
      const test = STRING_FUNCTIONS[name as keyof typeof STRING_FUNCTIONS];
      const [a, b] = strings(2) as [Evaluate, Evaluate];
      return this.#node({
        type: 'boolean',
        evaluate: (item) => {
          const [x, y] = [a(item), b(item)];
          return typeof x === 'string' && typeof y === 'string' ? test(x, y) : null;
        },
      });
    }
    if (Object.hasOwn(CASE_FUNCTIONS, name)) {
      const change = CASE_FUNCTIONS[name as keyof typeof CASE_FUNCTIONS];
      const [a] = strings(1) as [Evaluate];
      return this.#node({
        type: 'string',
        evaluate: (item) => {
          const x = a(item);
          return typeof x === 'string' ? change(x) : null;
        },
      });
    }
    throw new ODataQueryError(`An unknown function with name '${name}' was found. This may also be a function import or a key lookup on a navigation property, which is not allowed.`);
  }
}

function checkLength(option: string, text: string): void {
  if (text.length > MAX_FILTER_LENGTH) throw new ODataQueryError(`The ${option} query option is ${text.length} characters long; the stub reads at most ${MAX_FILTER_LENGTH}, as IIS's default query-string limit allows.`);
}

export type Predicate = (item: Item) => boolean;

/** `$filter`'s text compiled into a predicate; an ODataQueryError when it cannot be used. */
export function compileFilter(text: string, options: FilterOptions): Predicate {
  checkLength('$filter', text);
  if (text.trim() === '') throw new ODataQueryError(`Expression expected at position ${text.length} in '${text}'.`);
  const expr = new Parser(text, options).expression();
  if (expr.type !== 'boolean' && expr.type !== 'null') throw new ODataQueryError(`The $filter expression must evaluate to a single boolean value.`);
  const evaluate = expr.evaluate;
  return (item) => evaluate(item) === true;
}

export type Comparator = (a: Item, b: Item) => number;

/** `$orderby`'s text compiled into a comparator (nulls first when ascending, as LINQ orders them); an ODataQueryError when it cannot be used. */
export function compileOrderBy(text: string, options: FilterOptions): Comparator {
  checkLength('$orderby', text);
  const keys = new Parser(text, options).orderBy();
  return (a, b) => {
    for (const { property, descending } of keys) {
      const [x, y] = [(a[property] ?? null) as Value, (b[property] ?? null) as Value];
      const c = x === null || y === null ? (x === y ? 0 : x === null ? -1 : 1) : order(x, y);
      if (c !== 0) return descending ? -c : c;
    }
    return 0;
  };
}
