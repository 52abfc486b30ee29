// Reads the body into task values: JSON as Json.NET would, XML as
// DataContractSerializer reads the seed's contract (src/apis/wello/data-contract.ts:
// root `task` in the empty namespace, members in alphabetical order, i:nil for nulls). JSON values that do not convert
// become model errors under "task.<field>"; in XML the first one ends ReadObject, and XmlMediaTypeFormatter.ReadFromStream
// logs that exception under the parameter alone, "task" (docs/fidelity.md, Wello: Validation errors).
import { BodyError, jsonNesting, NestingError, parseXmlElements, type XmlElements } from '../../core/body.js';
import { contractOrder, type DataContract, errorDeserializing, hasUndeclaredPrefix, readDataContract, type SkippedMember } from './data-contract.js';
import { firstContentProblem } from './xml-content.js';
import type { ModelState } from './errors.js';
import { convertJsonValue, convertXmlText } from './convert.js';
import type { Field, TaskValue } from './fields.js';
import { JsonNetError, MAX_DEPTH, readJsonBody } from './json-reader.js';

export interface ReadTask {
  /** The fields the body gave, converted; absent fields are missing. */
  values: Map<string, TaskValue>;
  /** Conversion and parse errors, in the order met. */
  modelState: ModelState;
  /** False when no task object came out at all (empty or unreadable body): nothing to validate. */
  parsed: boolean;
  /** XML: members the serializer stepped over because they came out of contract order (taskstub validate warns of them). */
  skipped?: SkippedMember[];
}

const MODEL = 'task';
// [inferred] Web API's words for an empty body bound to a [FromBody] parameter.
const EMPTY_BODY = 'A non-empty request body is required.';
// The CLR type named in Json.NET's messages [inferred: the DataContract's name].
const TYPE_NAME = 'task';

function modelKey(path: string): string {
  return path ? `${MODEL}.${path}` : MODEL;
}

function fieldByName(fields: readonly Field[], name: string): Field | undefined {
  return fields.find((f) => f.name === name) ?? fields.find((f) => f.lower === name.toLowerCase());
}

/**
 * The common case, fast: a body JSON.parse reads as an object whose values are
 * all strings, Booleans or null, every one of which converts. Anything else
 * (numbers, whose text Json.NET distinguishes; nesting; a value that fails;
 * Json.NET's leniencies) returns undefined and takes the full reader, which
 * gives the same values and the exact messages.
 */
function readSimpleJsonTask(text: string, fields: readonly Field[]): ReadTask | undefined {
  // JSON.parse never sees a body past the limit: the full reader refuses it at the exact place.
  if (jsonNesting(text, MAX_DEPTH)) return undefined;
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (root === null || typeof root !== 'object' || Array.isArray(root)) return undefined;
  const values = new Map<string, TaskValue>();
  for (const name in root) {
    const value = (root as Record<string, unknown>)[name];
    const token = typeof value === 'string' ? 'String' : typeof value === 'boolean' ? 'Boolean' : value === null ? 'Null' : undefined;
    if (token === undefined) return undefined;
    const field = fieldByName(fields, name);
    if (!field) continue;
    const converted = convertJsonValue(field, { token, value, raw: String(value), path: name, line: 0, position: 0 });
    if (!converted.ok) return undefined;
    values.set(field.name, converted.value);
  }
  return { values, modelState: [], parsed: true };
}

export function readJsonTask(text: string, fields: readonly Field[]): ReadTask {
  const simple = readSimpleJsonTask(text, fields);
  if (simple) return simple;
  const values = new Map<string, TaskValue>();
  const modelState: ModelState = [];
  try {
    const body = readJsonBody(text);
    if (body.kind === 'empty') return { values, modelState: [[MODEL, EMPTY_BODY]], parsed: false };
    if (body.kind === 'other') {
      const v = body.value;
      const message =
        v.token === 'StartArray'
          ? `Cannot deserialize the current JSON array (e.g. [1,2,3]) into type '${TYPE_NAME}' because the type requires a JSON object (e.g. {"name":"value"}) to deserialize correctly.`
          : `Error converting value ${v.token === 'String' ? `"${String(v.value)}"` : v.raw} to type '${TYPE_NAME}'.`;
      return { values, modelState: [[MODEL, `${message} Path '', line ${v.line}, position ${v.position}.`]], parsed: false };
    }
    for (const { name, value } of body.properties) {
      const field = fieldByName(fields, name);
      if (!field) continue; // Json.NET ignores members the type does not have.
      const converted = convertJsonValue(field, value);
      if (converted.ok) values.set(field.name, converted.value);
      else modelState.push([modelKey(value.path), converted.message]);
    }
  } catch (error) {
    if (!(error instanceof JsonNetError)) throw error;
    return { values: new Map(), modelState: [[modelKey(error.path), error.message]], parsed: false };
  }
  return { values, modelState, parsed: true };
}

function lineAndPosition(text: string, index: number): string {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return `line ${line} position ${index - before.lastIndexOf('\n')}`;
}

/**
 * XmlBaseReader.EnterScope's XmlException (SR.XmlMaxDepthExceeded, with
 * SR.XmlLineInfo), wrapped by XmlObjectSerializer.ReadObjectHandleExceptions
 * in SR.ErrorDeserializing; the type is named `task` as in the Json.NET
 * messages, and the position is [inferred] (docs/fidelity.md, Wello: Validation errors).
 */
function xmlTooDeep({ limit, line, position }: NestingError): string {
  return (
    `There was an error deserializing the object of type ${TYPE_NAME}. The maximum read depth (${limit}) has been exceeded because XML data being read has more levels of nesting than is allowed by the quota. ` +
    `This quota may be increased by changing the MaxDepth property on the XmlDictionaryReaderQuotas object used when creating the XML reader. Line ${line}, position ${position}.`
  );
}

/** The type names XmlConverter and XmlReaderDelegator put in SR.XmlInvalidConversion, by field kind. */
const XML_TYPE_NAMES: Record<Field['kind'], string> = { guid: 'Guid', date: 'DateTime', integer: 'Int32', boolean: 'Boolean', string: 'String' };

const contracts = new WeakMap<readonly Field[], { contract: DataContract; byName: Map<string, Field> }>();

/** The task's data contract: named `task`, in the empty namespace (the seed's XML has no default one), members alphabetical. */
function taskContract(fields: readonly Field[]) {
  let entry = contracts.get(fields);
  if (!entry) {
    entry = { contract: { name: 'task', namespace: '', members: contractOrder(fields.map((f) => f.name)) }, byName: new Map(fields.map((f) => [f.name, f])) };
    contracts.set(fields, entry);
  }
  return entry;
}

/**
 * XmlBufferReader.GetChars → XmlConverter.ToChars: a string made of bytes UTF-8 refuses is
 * SR.XmlInvalidUTF8Bytes, quoting the text from its first byte over 0x7F to its end, decoded
 * with U+FFFD for the bad bytes (XmlExceptionHelper.CreateEncodingException).
 */
function invalidUtf8(text: string): string | undefined {
  if (!text.includes('\uFFFD')) return undefined;
  let from = 0;
  while (text.charCodeAt(from) < 0x80) from++;
  return errorDeserializing(`'${text.slice(from)}' contains invalid UTF8 bytes.`);
}

// Text in the root comes before a start tag (a start tag with text before it), or last,
// before the root's end tag (`</task>`), after the last child's end.
function textBeforeStartTag(text: string): boolean {
  for (let lt = text.indexOf('<', 1); lt > 0; lt = text.indexOf('<', lt + 1)) {
    const next = text.charCodeAt(lt + 1);
    if (next === 0x2f || next === 0x21 || next === 0x3f) continue; // `</`, `<!`, `<?`
    let i = lt - 1;
    for (let c = text.charCodeAt(i); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = text.charCodeAt(--i));
    if (i >= 0 && text.charCodeAt(i) !== 0x3e) return true;
  }
  return false;
}

function textBeforeLastEndTag(text: string): boolean {
  const lt = text.lastIndexOf('</');
  let i = lt - 1;
  for (let c = text.charCodeAt(i); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = text.charCodeAt(--i));
  return text.charCodeAt(i) !== 0x3e;
}

/**
 * Whether the document can hold what firstContentProblem looks for; most bodies cannot, and
 * the walk costs more than the rest of a read. Text in the root is found by the two checks
 * or comes with a comment, CDATA, a processing instruction or no child at all; an undeclared
 * prefix deeper than the children needs a child that holds elements. A false alarm only
 * costs the walk.
 */
function mayHaveContentProblem(text: string, document: XmlElements): boolean {
  if (document.children.length === 0 || text.includes('<!') || text.lastIndexOf('<?') > 0) return true;
  if (document.children.some((child) => child.text === undefined)) return true;
  return hasUndeclaredPrefix(document) || textBeforeLastEndTag(text) || textBeforeStartTag(text);
}

export interface XmlReadOptions {
  /** The body held bytes UTF-8 refuses, read as U+FFFD (encoding.ts decodeXmlBody). */
  invalidUtf8?: boolean;
}

export function readXmlTask(text: string, fields: readonly Field[], options: XmlReadOptions = {}): ReadTask {
  const values = new Map<string, TaskValue>();
  if (text.trim() === '') return { values, modelState: [[MODEL, EMPTY_BODY]], parsed: false };
  let document: XmlElements;
  try {
    document = parseXmlElements(text, MAX_DEPTH);
  } catch (error) {
    if (error instanceof NestingError) return { values, modelState: [[MODEL, xmlTooDeep(error)]], parsed: false };
    if (error instanceof BodyError) return { values, modelState: [[MODEL, error.message]], parsed: false };
    throw error;
  }
  const failed = (message: string): ReadTask => ({ values: new Map(), modelState: [[MODEL, message]], parsed: false });
  // What the reader refuses on its way (xml-content.ts), and the first child it does not get past.
  const problem = mayHaveContentProblem(text, document) ? firstContentProblem(text) : undefined;
  let stopMessage: string | undefined;
  let stopAt = document.children.length;
  if (problem) {
    stopAt = problem.childIndex;
    const lineInfo = `Line ${problem.line}, position ${problem.position}.`;
    stopMessage =
      problem.kind === 'undefinedPrefix'
        ? errorDeserializing(`The prefix '${problem.prefix}' is not defined. ${lineInfo}`)
        : problem.kind === 'processingInstruction'
          ? errorDeserializing(`Processing instructions (other than the XML declaration) and DTDs are not supported. ${lineInfo}`)
          : `Error in line ${problem.line} position ${problem.position}. Expecting state 'Element'.. Encountered '${problem.nodeType}'  with name '', namespace ''. `;
  }
  if (options.invalidUtf8) {
    // A name is made a string when its tag is read (ReadQualifiedName → VerifyNCName), skipped elements' too.
    const rootName = invalidUtf8(document.root.qualified);
    if (rootName) return failed(rootName);
    const named = document.children.findIndex((child, i) => i < stopAt && child.qualified.includes('\uFFFD'));
    if (named >= 0) [stopAt, stopMessage] = [named, invalidUtf8(document.children[named]!.qualified)];
  }
  if (stopAt < 0) return failed(stopMessage!);
  const { contract, byName } = taskContract(fields);
  const read = readDataContract(document, contract, stopAt);
  if (!read.ok) {
    // SR.ExpectingElement + SR.EncounteredWithNameNamespace, with the reader's line info (two spaces before `with`).
    const at = lineAndPosition(text, text.search(/<[^?!]/) + 1);
    const expected = `Expecting element '${contract.name}' from namespace '${contract.namespace}'.`;
    return { values, modelState: [[MODEL, `Error in ${at}. ${expected}. Encountered 'Element'  with name '${read.localName}', namespace '${read.namespace}'. `]], parsed: false };
  }
  // In contract order, as the serializer reads them: its first conversion error stops it.
  for (const [name, content] of read.members) {
    const field = byName.get(name)!;
    if (content.nil) {
      values.set(name, null);
      continue;
    }
    const bad = options.invalidUtf8 && content.text !== undefined ? invalidUtf8(content.text) : undefined;
    if (bad) return failed(bad);
    const converted = content.text === undefined ? { ok: false as const, message: `The value '' cannot be parsed as the type '${XML_TYPE_NAMES[field.kind]}'.` } : convertXmlText(field, content.text);
    // XmlConverter's XmlException (SR.XmlInvalidConversion) ends ReadObject, which wraps it in SR.ErrorDeserializing
    // (ReadObjectHandleExceptions); XmlMediaTypeFormatter.ReadFromStream catches it and calls
    // formatterLogger.LogError(String.Empty, e), which ModelStateFormatterLogger files under ConcatenateKeys("task", ""):
    // `task`, not the member. The model is then null, so DefaultBodyModelValidator walks no properties: no
    // [Required] or [MaxLength] errors join it. One model error, no values.
    if (!converted.ok) return failed(errorDeserializing(converted.message));
    values.set(name, converted.value);
  }
  if (stopMessage) return failed(stopMessage);
  return { values, modelState: [], parsed: true, skipped: read.skipped };
}

/**
 * What `taskstub validate` warns of in a Wello XML body ([stub]): contract members the
 * serializer stepped over without a word (GetMemberIndex looks only after the last member
 * read, so one placed after a later member, or repeated, is skipped as unknown), which the
 * server then treats as missing.
 */
export function xmlSkippedMemberWarnings(text: string, fields: readonly Field[]): { path: string; message: string }[] {
  return (readXmlTask(text, fields).skipped ?? []).map(({ name, after, repeated }) => ({
    path: `/${name}`,
    message: repeated
      ? `<${name}> appears again after <${after}>; DataContractSerializer reads a member once, so the server ignores this one`
      : `<${name}> comes after <${after}>; DataContractSerializer reads members in alphabetical order and skips one out of order, so the server ignores it (put <${name}> before <${after}>)`,
  }));
}
