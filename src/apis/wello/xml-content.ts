// What XmlUTF8TextReader refuses in a well-formed document, and where ReadObject meets it
// (docs/fidelity.md, Wello: Serialization). The document has already been parsed; this
// walks its markup once, in document order, as the reader does:
//
// - A prefix that no xmlns:prefix in scope declares, on an element or an attribute, at
//   any depth (skipped elements are read too): XmlBaseReader.LookupNamespace(PrefixHandle)
//   → XmlExceptionHelper.ThrowUndefinedPrefix, SR.XmlUndefinedPrefix "The prefix '{0}' is
//   not defined." with SR.XmlLineInfo. Attributes first (ReadAttributes → ProcessAttributes),
//   then the element's own name (ReadStartElement), with the reader at the tag's `>` or `/`.
// - Text or CDATA directly inside the root: the members are read with MoveToContent, which
//   steps over whitespace, comments and processing instructions only; anything else makes
//   XmlObjectSerializerReadContext.HandleMemberNotFound throw CreateUnexpectedStateException
//   (SR.ExpectingState "Expecting state 'Element'.") with the node's type, the reader just
//   past the node (its first run of text ends at `<`, `&` or `]`: XmlUTF8TextReader.ReadText).
//
// - A processing instruction other than the declaration: XmlUTF8TextReader.ReadDeclaration
//   throws SR.XmlProcessingInstructionNotSupported.
//
// Positions follow XmlUTF8TextReader.GetPosition (a byte offset, the row being the last one
// that starts strictly before it) over the whole document; the real reader counts from its
// current window when it streams, so they are [inferred].

export type ContentProblem =
  | { kind: 'undefinedPrefix'; prefix: string; line: number; position: number; childIndex: number }
  | { kind: 'text'; nodeType: 'Text' | 'CDATA'; line: number; position: number; childIndex: number }
  | { kind: 'processingInstruction'; line: number; position: number; childIndex: number };

const NAME = /^([^\s/>]+)/;
const ATTRIBUTE = /([^\s=/>]+)\s*=\s*(?:"[^"]*"|'[^']*')/g;
const REFERENCE = /&(#x([0-9A-Fa-f]+)|#([0-9]+)|[A-Za-z]+);/y;

/** Line and position of a character offset, as GetPosition gives them for the same offset in bytes. */
function lineAndPosition(text: string, offset: number): { line: number; position: number } {
  let rowStart = 0;
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i + 1 < offset; i = text.indexOf('\n', i + 1)) {
    rowStart = i + 1;
    line++;
  }
  return { line, position: Buffer.byteLength(text.slice(rowStart, offset)) + 1 };
}

/** Where a run of root-level character data stops being whitespace, if it does: the end of the reader's first non-whitespace node. */
function textNodeEnd(text: string, from: number, to: number): number | undefined {
  let i = from;
  while (i < to) {
    const code = text.charCodeAt(i);
    if (code === 0x20 || code === 0x09 || code === 0x0d || code === 0x0a) {
      i++;
      continue;
    }
    const c = text[i]!;
    if (c === '&') {
      REFERENCE.lastIndex = i;
      const m = REFERENCE.exec(text);
      const end = m ? REFERENCE.lastIndex : i + 1;
      const code = m?.[2] !== undefined ? parseInt(m[2], 16) : m?.[3] !== undefined ? parseInt(m[3], 10) : undefined;
      // A reference to a whitespace character is whitespace text (ReadEscapedText); any other is text, one node.
      if (code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d) {
        i = end;
        continue;
      }
      return end;
    }
    // ReadText: the run of text characters; `&`, `<` and `]` end it.
    let end = i;
    while (end < to && text[end] !== '&' && text[end] !== ']') end++;
    return c === ']' ? i + 1 : end;
  }
  return undefined;
}

/** The first `>` outside quotes after `from`. */
function tagEnd(text: string, from: number): number {
  let quote = 0;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote) {
      if (c === quote) quote = 0;
    } else if (c === 0x22 || c === 0x27) quote = c;
    else if (c === 0x3e) return i;
  }
  return text.length;
}

/** The first thing in the document the reader refuses, or undefined (the common case). */
export function firstContentProblem(text: string): ContentProblem | undefined {
  const scopes: Map<string, string>[] = [new Map([['xml', 'http://www.w3.org/XML/1998/namespace']])];
  let depth = 0;
  let children = 0;
  let pos = 0;
  for (;;) {
    const lt = text.indexOf('<', pos);
    if (depth === 1) {
      const end = textNodeEnd(text, pos, lt < 0 ? text.length : lt);
      if (end !== undefined) return { kind: 'text', nodeType: 'Text', ...lineAndPosition(text, end), childIndex: children };
    }
    if (lt < 0) return undefined;
    if (text.startsWith('<!--', lt)) {
      pos = text.indexOf('-->', lt + 4) + 3;
    } else if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt + 9) + 3;
      if (depth === 1) return { kind: 'text', nodeType: 'CDATA', ...lineAndPosition(text, end), childIndex: children };
      pos = end;
    } else if (text[lt + 1] === '?' && !(lt === 0 && /^<\?xml[ \t\r\n]/.test(text))) {
      // XmlUTF8TextReader.ReadDeclaration: `<?` must begin `<?xml ` (SR.XmlProcessingInstructionNotSupported), the reader at the `?`.
      return { kind: 'processingInstruction', ...lineAndPosition(text, lt + 1), childIndex: depth === 0 ? -1 : depth === 1 ? children : children - 1 };
    } else if (text[lt + 1] === '?' || text[lt + 1] === '!') {
      pos = text.indexOf('>', lt) + 1;
    } else if (text[lt + 1] === '/') {
      depth--;
      scopes.pop();
      pos = text.indexOf('>', lt) + 1;
    } else {
      // A start tag: its end is the first `>` outside quotes.
      let end = text.indexOf('>', lt);
      let colon = false;
      for (let i = lt + 1; i < end; i++) {
        const c = text.charCodeAt(i);
        if (c === 0x3a) colon = true;
        else if (c === 0x22 || c === 0x27) {
          end = tagEnd(text, lt);
          colon = text.slice(lt, end).includes(':');
          break;
        }
      }
      const selfClosing = text.charCodeAt(end - 1) === 0x2f;
      const outer = scopes[scopes.length - 1]!;
      let scope = outer;
      // Most tags (`<subject>`) name no prefix and declare none: nothing to look up.
      if (colon) {
        const inside = text.slice(lt + 1, selfClosing ? end - 1 : end);
        const name = NAME.exec(inside)![1]!;
        const attributes = [...inside.slice(name.length).matchAll(ATTRIBUTE)].map((m) => [m[1]!, m[0]] as const);
        for (const [attribute, written] of attributes) {
          if (attribute !== 'xmlns' && !attribute.startsWith('xmlns:')) continue;
          if (scope === outer) scope = new Map(outer);
          scope.set(attribute === 'xmlns' ? '' : attribute.slice(6), written);
        }
        const childIndex = depth === 1 ? children : children - 1;
        const at = () => lineAndPosition(text, selfClosing ? end - 1 : end);
        for (const [attribute] of attributes) {
          const c = attribute.indexOf(':');
          if (c < 0 || attribute.startsWith('xmlns:')) continue;
          const prefix = attribute.slice(0, c);
          if (!scope.has(prefix)) return { kind: 'undefinedPrefix', prefix, ...at(), childIndex };
        }
        const c = name.indexOf(':');
        if (c >= 0 && !scope.has(name.slice(0, c))) return { kind: 'undefinedPrefix', prefix: name.slice(0, c), ...at(), childIndex };
      }
      if (depth === 1) children++;
      if (!selfClosing) {
        depth++;
        scopes.push(scope);
      }
      pos = end + 1;
    }
  }
}
