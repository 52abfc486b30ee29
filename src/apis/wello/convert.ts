// Turns request values into the task's .NET types. JSON values fail with
// Json.NET's messages, XML values with DataContractSerializer's
// (docs/fidelity.md, Wello: Validation errors).
import { parseDotNetDateTime, parseJsonNetDateTime } from '../../core/dotnet-datetime.js';
import { parseGuid } from '../../core/guid.js';
import type { Field, TaskValue } from './fields.js';
import { locate, type ReadValue } from './json-reader.js';

const INT32 = { min: -2147483648, max: 2147483647 };
const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;

export type Converted = { ok: true; value: TaskValue } | { ok: false; message: string };

const ok = (value: TaskValue): Converted => ({ ok: true, value });
const fail = (message: string): Converted => ({ ok: false, message });

function fromJsonToken(field: Field, v: ReadValue): Converted {
  const unexpected = (what: string) => fail(`Error reading ${what}. Unexpected token: ${v.token}.`);
  const text = typeof v.value === 'string' ? v.value : undefined;
  switch (field.kind) {
    case 'guid': {
      if (text === '') return ok(null);
      const guid = text === undefined ? undefined : parseGuid(text);
      if (guid) return ok(guid);
      const shown = text !== undefined ? `"${text}"` : v.token === 'Boolean' ? (v.value ? 'True' : 'False') : v.raw || v.token;
      return fail(`Error converting value ${shown} to type 'System.Guid'.`);
    }
    case 'date': {
      if (text === undefined) return unexpected('date');
      if (text === '') return ok(null);
      const date = parseJsonNetDateTime(text);
      return date ? ok(date) : fail(`Could not convert string to DateTime: ${text}.`);
    }
    case 'integer': {
      if (v.token === 'Float') return fail(`Input string '${v.raw}' is not a valid integer.`);
      if (v.token === 'Integer') {
        const n = v.value as number;
        return n < INT32.min || n > INT32.max ? fail(`JSON integer ${v.raw} is too large or small for an Int32.`) : ok(n);
      }
      if (text === undefined) return unexpected('integer');
      if (text === '') return ok(null);
      const n = INTEGER_TEXT.test(text) ? Number(text.trim()) : NaN;
      return Number.isInteger(n) && n >= INT32.min && n <= INT32.max ? ok(n) : fail(`Could not convert string to integer: ${text}.`);
    }
    case 'boolean': {
      if (v.token === 'Boolean') return ok(v.value as boolean);
      if (v.token === 'Integer' || v.token === 'Float') return ok((v.value as number) !== 0);
      if (text === undefined) return unexpected('boolean');
      if (text === '') return ok(null);
      const lower = text.trim().toLowerCase();
      return lower === 'true' || lower === 'false' ? ok(lower === 'true') : fail(`Could not convert string to boolean: ${text}.`);
    }
    case 'string': {
      if (text !== undefined) return ok(text);
      if (v.token === 'Integer' || v.token === 'Float' || v.token === 'Boolean') return ok(v.raw);
      return unexpected('string');
    }
  }
}

/** A JSON value for a field: null stays null; the message carries Json.NET's path, line and position. */
export function convertJsonValue(field: Field, v: ReadValue): Converted {
  if (v.token === 'Null') return ok(null);
  const converted = fromJsonToken(field, v);
  return converted.ok ? converted : fail(locate(converted.message, v.path, v.line, v.position));
}

/** An XML element's text for a field, as DataContractSerializer (XmlConvert) reads it. */
export function convertXmlText(field: Field, text: string): Converted {
  const cannot = (type: string) => fail(`The value '${text}' cannot be parsed as the type '${type}'.`);
  switch (field.kind) {
    case 'guid': {
      const guid = parseGuid(text);
      return guid ? ok(guid) : cannot('Guid');
    }
    case 'date': {
      const date = parseDotNetDateTime(text);
      return date ? ok(date) : cannot('DateTime');
    }
    case 'integer': {
      const n = INTEGER_TEXT.test(text) ? Number(text.trim()) : NaN;
      return Number.isInteger(n) && n >= INT32.min && n <= INT32.max ? ok(n) : cannot('Int32');
    }
    case 'boolean': {
      const t = text.trim();
      if (t === 'true' || t === '1') return ok(true);
      if (t === 'false' || t === '0') return ok(false);
      return cannot('Boolean');
    }
    case 'string':
      return ok(text);
  }
}
