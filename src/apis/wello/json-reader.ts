// Reads a JSON body the way Json.NET does for an ASP.NET Web API action: it
// is lenient where Json.NET is (single quotes, unquoted names, comments,
// trailing commas), and every failure carries Json.NET's message with its
// `Path '…', line L, position P.` suffix, where P counts the characters read
// on the line (docs/fidelity.md, Wello: Validation errors).

/**
 * How deep a body may nest: Web API's formatters set 256 on their readers
 * (BaseJsonMediaTypeFormatter.ReadFromStream: `jsonReader.MaxDepth = _maxDepth`,
 * FormattingUtilities.DefaultMaxDepth; XmlMediaTypeFormatter's reader quotas,
 * FormattingUtilities.CreateDefaultReaderQuotas). The root is depth 1.
 */
export const MAX_DEPTH = 256;

export type JsonToken = 'String' | 'Integer' | 'Float' | 'Boolean' | 'Null' | 'StartObject' | 'StartArray';

export interface ReadValue {
  token: JsonToken;
  /** The value: strings and literals as read; objects and arrays as plain data. */
  value: unknown;
  /** The text of a number, as written. */
  raw: string;
  path: string;
  /** Line and position just after the value, as Json.NET reports them. */
  line: number;
  position: number;
}

export interface JsonProperty {
  name: string;
  value: ReadValue;
}

export class JsonNetError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

/** `Path 'x', line 1, position 5.` */
export function locate(message: string, path: string, line: number, position: number): string {
  return `${message} Path '${path}', line ${line}, position ${position}.`;
}

function childPath(parent: string, name: string): string {
  const simple = /^[A-Za-z_$][\w$]*$/.test(name);
  if (!parent) return simple ? name : `['${name}']`;
  return simple ? `${parent}.${name}` : `${parent}['${name}']`;
}

class Reader {
  private i = 0;
  private line = 1;
  private lineStart = 0;

  constructor(private readonly text: string) {}

  private get position(): number {
    return this.i - this.lineStart;
  }

  fail(message: string, path: string, consumeOne = true): never {
    const position = this.position + (consumeOne && this.i < this.text.length ? 1 : 0);
    throw new JsonNetError(locate(message, path, this.line, position), path);
  }

  private newline(at: number): void {
    this.line++;
    this.lineStart = at + 1;
  }

  /** Skips whitespace and comments; returns the next character, or '' at the end. */
  peek(path: string): string {
    for (;;) {
      const c = this.text[this.i];
      if (c === undefined) return '';
      if (c === '\n') {
        this.newline(this.i);
        this.i++;
      } else if (c === ' ' || c === '\t' || c === '\r' || c === '\uFEFF') {
        this.i++;
      } else if (c === '/' && this.text[this.i + 1] === '*') {
        const end = this.text.indexOf('*/', this.i + 2);
        if (end < 0) {
          this.i = this.text.length;
          this.fail('Unexpected end while parsing comment.', path, false);
        }
        for (let k = this.i; k < end; k++) if (this.text[k] === '\n') this.newline(k);
        this.i = end + 2;
      } else if (c === '/' && this.text[this.i + 1] === '/') {
        while (this.i < this.text.length && this.text[this.i] !== '\n') this.i++;
      } else {
        return c;
      }
    }
  }

  private end(token: JsonToken, value: unknown, raw: string, path: string): ReadValue {
    return { token, value, raw, path, line: this.line, position: this.position };
  }

  private readString(quote: string, path: string): string {
    this.i++;
    let out = '';
    for (;;) {
      const c = this.text[this.i];
      if (c === undefined) this.fail(`Unterminated string. Expected delimiter: ${quote}.`, path, false);
      if (c === quote) {
        this.i++;
        return out;
      }
      if (c === '\\') {
        const e = this.text[this.i + 1];
        const simple: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && e in simple) {
          out += simple[e];
          this.i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.i + 2, this.i + 6))) {
          out += String.fromCharCode(parseInt(this.text.slice(this.i + 2, this.i + 6), 16));
          this.i += 6;
        } else {
          this.i++;
          this.fail(`Bad JSON escape sequence: \\${e ?? ''}.`, path);
        }
        continue;
      }
      if (c === '\n') this.newline(this.i);
      out += c;
      this.i++;
    }
  }

  private readPropertyName(path: string): string {
    const c = this.peek(path);
    if (c === '"' || c === "'") return this.readString(c, path);
    const m = /^[A-Za-z0-9_$]+/.exec(this.text.slice(this.i, this.i + 1024));
    if (!m) {
      if (c === '') this.fail('Unexpected end while parsing unquoted property name.', path, false);
      this.fail(`Invalid property identifier character: ${c}.`, path);
    }
    this.i += m[0].length;
    return m[0];
  }

  readValue(path: string, depth: number): ReadValue {
    const c = this.peek(path);
    if (c === '') this.fail('Unexpected end when reading JSON.', path, false);
    if (c === '{' || c === '[') {
      if (depth >= MAX_DEPTH) this.fail(`The reader's MaxDepth of ${MAX_DEPTH} has been exceeded.`, path);
      return c === '{' ? this.readObjectValue(path, depth + 1) : this.readArray(path, depth + 1);
    }
    if (c === '"' || c === "'") {
      const value = this.readString(c, path);
      return this.end('String', value, value, path);
    }
    const number = /^-?(?:\d+)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.i, this.i + 400));
    if (number) {
      this.i += number[0].length;
      const token = number[1] || number[2] ? 'Float' : 'Integer';
      return this.end(token, Number(number[0]), number[0], path);
    }
    for (const [word, token, value] of [['true', 'Boolean', true], ['false', 'Boolean', false], ['null', 'Null', null]] as const) {
      if (this.text.startsWith(word, this.i)) {
        this.i += word.length;
        return this.end(token, value, word, path);
      }
    }
    this.fail(`Unexpected character encountered while parsing value: ${c}.`, path);
  }

  private readArray(path: string, depth: number): ReadValue {
    this.i++;
    const items: unknown[] = [];
    for (;;) {
      if (this.peek(path) === ']') {
        this.i++;
        return this.end('StartArray', items, '', path);
      }
      items.push(this.readValue(`${path}[${items.length}]`, depth).value);
      const c = this.peek(path);
      if (c === ',') this.i++;
      else if (c !== ']') {
        if (c === '') this.fail('Unexpected end when deserializing array.', path, false);
        this.fail(`After parsing a value an unexpected character was encountered: ${c}.`, path);
      }
    }
  }

  private readObjectValue(path: string, depth: number): ReadValue {
    const properties = this.readObjectBody(path, depth);
    // Nested objects become null-prototype records: "__proto__" is just a key.
    const value: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const p of properties) value[p.name] = p.value.value;
    return this.end('StartObject', value, '', path);
  }

  /** Reads `{ ... }` from the current '{' and returns its properties in order. */
  readObjectBody(path: string, depth: number): JsonProperty[] {
    this.i++;
    const properties: JsonProperty[] = [];
    let lastPath = path;
    for (;;) {
      const c = this.peek(lastPath);
      if (c === '}') {
        this.i++;
        return properties;
      }
      if (c === '') this.fail('Unexpected end when deserializing object.', lastPath, false);
      const name = this.readPropertyName(lastPath);
      lastPath = childPath(path, name);
      const colon = this.peek(lastPath);
      if (colon !== ':') {
        if (colon === '') this.fail('Unexpected end when deserializing object.', lastPath, false);
        this.fail(`Invalid character after parsing property name. Expected ':' but got: ${colon}.`, lastPath);
      }
      this.i++;
      properties.push({ name, value: this.readValue(lastPath, depth) });
      const next = this.peek(lastPath);
      if (next === ',') this.i++;
      else if (next !== '}') {
        if (next === '') this.fail('Unexpected end when deserializing object.', lastPath, false);
        this.fail(`After parsing a value an unexpected character was encountered: ${next}.`, lastPath);
      }
    }
  }
}

export type ReadBody =
  | { kind: 'empty' }
  | { kind: 'object'; properties: JsonProperty[] }
  | { kind: 'other'; value: ReadValue };

/** Reads the body's root: an object's properties, or the other value found there. Text after the root is ignored, as Json.NET does. */
export function readJsonBody(text: string): ReadBody {
  const reader = new Reader(text);
  const first = reader.peek('');
  if (first === '') return { kind: 'empty' };
  if (first === '{') return { kind: 'object', properties: reader.readObjectBody('', 1) };
  return { kind: 'other', value: reader.readValue('', 0) };
}
