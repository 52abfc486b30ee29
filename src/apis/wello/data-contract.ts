// How DataContractSerializer reads the task (docs/fidelity.md, Wello: Serialization):
//
// - The root must be the contract's name, `task`, in the contract's namespace, which is
//   empty: the seed's XML has no default namespace (DataContractSerializer.InternalReadObject
//   checks IsStartElement(rootName, rootNamespace) and throws SR.ExpectingElement otherwise).
// - Members are read in contract order: DataMember Order first, then the names by ordinal
//   comparison (DataMemberComparer); the contract gives no Order, so alphabetical.
// - Each element is looked for from the member after the last one read onwards
//   (XmlObjectSerializerReadContext.GetMemberIndex: `for (i = memberIndex + 1; …)
//   IsStartElement(memberNames[i], memberNamespaces[i])`); one that matches none of them,
//   being out of order, repeated, unknown or in another namespace, is skipped
//   (HandleMemberNotFound → SkipUnknownElement). So a member placed after a later one is
//   never read, and a required one then fails validation as missing.
// - `i:nil="true"` (the XML Schema instance namespace, XmlConvert.ToBoolean: true or 1) is
//   null (ReadIfNullOrRef).
import type { XmlElement, XmlElements } from '../../core/flat-xml.js';

export const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

/**
 * An XmlException met while ReadObject reads, as XmlObjectSerializer.ReadObjectHandleExceptions
 * wraps it: SR.ErrorDeserializing with SR.ErrorTypeInfo. The type is named `task`, as in the
 * Json.NET messages ([inferred]: the CLR type's full name is unknown).
 */
export const errorDeserializing = (message: string) => `There was an error deserializing the object of type task. ${message}`;
const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';

export interface DataContract {
  name: string;
  namespace: string;
  /** The member names in contract order. */
  members: readonly string[];
}

/** A member as read: null for i:nil, else its text (undefined when it holds elements). */
export type MemberContent = { nil: true } | { nil: false; text: string | undefined };

/** A contract member's element the serializer stepped over: it came after a later member, or again. */
export interface SkippedMember {
  name: string;
  /** The member read last before it, which it should have come before. */
  after: string;
  /** It had been read already: a member is read once. */
  repeated: boolean;
}

export type ContractRead =
  | { ok: true; members: Map<string, MemberContent>; skipped: SkippedMember[] }
  /** The root is not the contract's: what the reader met instead. */
  | { ok: false; localName: string; namespace: string };

/** DataMemberComparer with no Order given: String.CompareOrdinal on the names. */
export function contractOrder(names: readonly string[]): string[] {
  return [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

type Scope = ReadonlyMap<string, string>;
const EMPTY_SCOPE: Scope = new Map();

/** The namespace declarations an element makes, over the ones in scope ('' is the default namespace). */
function scopeOf(element: XmlElement, outer: Scope): Scope {
  let scope: Map<string, string> | undefined;
  for (const [name, value] of element.attributes) {
    if (name !== 'xmlns' && !name.startsWith('xmlns:')) continue;
    scope ??= new Map(outer);
    scope.set(name === 'xmlns' ? '' : name.slice('xmlns:'.length), value);
  }
  return scope ?? outer;
}

function split(qualified: string): [prefix: string, local: string] {
  const colon = qualified.indexOf(':');
  return colon < 0 ? ['', qualified] : [qualified.slice(0, colon), qualified.slice(colon + 1)];
}

/** The namespace a prefix names; undefined for a prefix never declared (which matches no member). */
function resolve(prefix: string, scope: Scope): string | undefined {
  if (prefix === 'xml') return XML_NAMESPACE;
  return scope.get(prefix) ?? (prefix === '' ? '' : undefined);
}

function isNil(element: XmlElement, scope: Scope): boolean {
  for (const [name, value] of element.attributes) {
    const [prefix, local] = split(name);
    if (local === 'nil' && prefix !== '' && resolve(prefix, scope) === XSI) {
      const v = value.trim();
      return v === 'true' || v === '1';
    }
  }
  return false;
}

/**
 * The members as the serializer reads them. `limit`: how many of the root's children it
 * gets to before the reader fails (xml-content.ts), so only those are read.
 */
/** True when the root or one of its children names a prefix no declaration in scope binds (on itself or an attribute). */
export function hasUndeclaredPrefix(document: XmlElements): boolean {
  const undeclared = (element: XmlElement, scope: Scope) => {
    if (!element.qualified.includes(':') && element.attributes.length === 0) return false;
    if (resolve(split(element.qualified)[0], scope) === undefined) return true;
    return element.attributes.some(([name]) => name !== 'xmlns' && !name.startsWith('xmlns:') && name.includes(':') && resolve(split(name)[0], scope) === undefined);
  };
  const rootScope = scopeOf(document.root, EMPTY_SCOPE);
  if (undeclared(document.root, rootScope)) return true;
  return document.children.some((child) => undeclared(child, child.attributes.length > 0 ? scopeOf(child, rootScope) : rootScope));
}

export function readDataContract(document: XmlElements, contract: DataContract, limit = document.children.length): ContractRead {
  const rootScope = scopeOf(document.root, EMPTY_SCOPE);
  const [rootPrefix, rootLocal] = split(document.root.qualified);
  const rootNamespace = resolve(rootPrefix, rootScope) ?? '';
  if (rootLocal !== contract.name || rootNamespace !== contract.namespace) return { ok: false, localName: rootLocal, namespace: rootNamespace };

  const members = new Map<string, MemberContent>();
  const { members: names } = contract;
  const skipped: SkippedMember[] = [];
  let memberIndex = -1;
  const { children } = document;
  for (let c = 0; c < limit && c < children.length; c++) {
    const element = children[c]!;
    const hasDeclarations = element.attributes.length > 0;
    const scope = hasDeclarations ? scopeOf(element, rootScope) : rootScope;
    const [prefix, local] = split(element.qualified);
    if (resolve(prefix, scope) !== contract.namespace) continue;
    let found = -1;
    for (let i = memberIndex + 1; i < names.length; i++) {
      if (names[i] === local) {
        found = i;
        break;
      }
    }
    if (found < 0) {
      // SkipUnknownElement; a member's own name skipped so is what a user wants to hear of (taskstub validate).
      if (memberIndex >= 0 && names.indexOf(local) >= 0) skipped.push({ name: local, after: names[memberIndex]!, repeated: members.has(local) });
      continue;
    }
    memberIndex = found;
    members.set(local, hasDeclarations && isNil(element, scope) ? { nil: true } : { nil: false, text: element.text });
  }
  return { ok: true, members, skipped };
}
