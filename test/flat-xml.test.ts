// The flat-XML fast path must read every document exactly as the full path
// (fast-xml-parser's validator and parser) does, or leave it to it. Checked
// on documents fast-check generates: flat ones in every variation clients
// send, and broken or nested ones that must fall back.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseXml, parseXmlElements, parseXmlElementsFully, parseXmlFully } from '../src/core/body.js';
import { readFlatXml, readFlatXmlElements } from '../src/core/flat-xml.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1500);
const safeName = (name: string) => (['__proto__', 'constructor', 'prototype'].includes(name) ? `#unsafe:${name}` : name);

const name = fc.constantFrom('task', 'subject', 'remark', 'due_date', 'x.y', 'a-b', '_c', '__proto__', 'Subject');
const prefixed = fc.tuple(fc.constantFrom('', '', '', 'a:', 'i:'), name).map(([p, n]) => p + n);
const textPiece = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'é', ' ', '\n', '\t', '>', '"', "'", ']', '😀', '0'), maxLength: 6 }),
  fc.constantFrom('&amp;', '&lt;', '&gt;', '&quot;', '&apos;', '&#233;', '&#x41;', '&#x1F600;', '&amp;#233;'),
);
const text = fc.array(textPiece, { maxLength: 4 }).map((parts) => parts.join(''));
const attrValue = text.map((t) => t.replace(/"/g, '&quot;'));
const attributes = fc.array(fc.tuple(prefixed, attrValue), { maxLength: 2 }).map((list) => list.map(([n, v]) => ` ${n}="${v}"`).join(''));
const flatGap = fc.constantFrom('', '', ' ', '\n  ', '\n\t');
const gap = fc.oneof({ weight: 4, arbitrary: flatGap }, { weight: 1, arbitrary: fc.constant('\r\n\t') });

const child = fc.oneof(
  fc.tuple(prefixed, attributes, text).map(([n, a, t]) => `<${n}${a}>${t}</${n}>`),
  fc.tuple(prefixed, attributes).map(([n, a]) => `<${n}${a}/>`),
  prefixed.map((n) => `<${n} i:nil="true" />`),
  prefixed.map((n) => `<${n}></${n} >`),
);
/** Things that are not flat (or not well-formed): the fast path must leave them. */
const odd = fc.constantFrom('<a><b>x</b></a>', '<![CDATA[x & y]]>', '<!-- c -->', 'loose text', '<subject>x</remark>', '<subject a="1" a="2">x</subject>', '<subject>]]></subject>', '<?pi x?>', '<subject>a < b</subject>');

function documentOf(childArbitrary: fc.Arbitrary<string>, gapArbitrary: fc.Arbitrary<string>) {
  return fc
  .record({
    declaration: fc.constantFrom('', '<?xml version="1.0" encoding="utf-8"?>', '<?xml version="1.0"?>\n', '\uFEFF'),
    root: prefixed,
    rootAttributes: fc.constantFrom('', ' xmlns:i="http://www.w3.org/2001/XMLSchema-instance"', ' xmlns="urn:x" xmlns:a="urn:a"', ' id="7"'),
    children: fc.array(fc.tuple(gapArbitrary, childArbitrary), { minLength: 1, maxLength: 8 }),
    end: gapArbitrary,
    trailing: fc.constantFrom('', '\n', '  '),
  })
  .map(({ declaration, root, rootAttributes, children, end, trailing }) => `${declaration}<${root}${rootAttributes}>${children.map(([g, c]) => g + c).join('')}${end}</${root}>${trailing}`);
}
/** What clients send: flat documents in every variation. */
const flatDocument = documentOf(child, flatGap);
/** With CRLF line ends and the odd nested, commented or broken child among them. */
const anyDocument = documentOf(fc.oneof({ weight: 6, arbitrary: child }, { weight: 1, arbitrary: odd }), gap);

function outcome(read: () => unknown): { value?: string; error?: string } {
  try {
    return { value: JSON.stringify(read()) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe('the flat-XML fast path (src/core/flat-xml.ts)', () => {
  for (const [label, documents, share] of [['flat', flatDocument, 0.8], ['any', anyDocument, 0]] as const) {
    it(`reads ${RUNS} generated ${label} documents exactly as the full parser does (the same value or the same error), or leaves them to it`, () => {
      let fast = 0;
      fc.assert(
        fc.property(documents, (xml) => {
          if (readFlatXml(xml, safeName)) fast++;
          assert.deepEqual(outcome(() => parseXml(xml)), outcome(() => parseXmlFully(xml)), xml);
        }),
        { seed: Number(process.env.FUZZ_SEED ?? 20261124), numRuns: RUNS },
      );
      assert.ok(fast >= RUNS * share, `the fast path read only ${fast} of ${RUNS}`);
    });

    it(`gives the same elements in document order, names and namespace declarations as written, for ${RUNS} generated ${label} documents (what the DataContract reader reads)`, () => {
      let fast = 0;
      fc.assert(
        fc.property(documents, (xml) => {
          if (readFlatXmlElements(xml, safeName)) fast++;
          assert.deepEqual(outcome(() => parseXmlElements(xml)), outcome(() => parseXmlElementsFully(xml)), xml);
        }),
        { seed: Number(process.env.FUZZ_SEED ?? 20261124), numRuns: RUNS },
      );
      assert.ok(fast >= RUNS * share, `the fast path read only ${fast} of ${RUNS}`);
    });
  }

  it('reads the shapes clients send, and leaves nested, CDATA, comments and mixed content to the full parser', () => {
    const flat = [
      '<task xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><subject>x</subject><remark i:nil="true"/></task>',
      '<?xml version="1.0" encoding="utf-8"?>\n<task>\n  <subject>x</subject>\n</task>\n',
    ];
    for (const xml of flat) assert.ok(readFlatXml(xml, safeName), xml);
    const notFlat = ['<task><a><b>x</b></a></task>', '<task><s><![CDATA[x]]></s></task>', '<task><!-- c --><s>x</s></task>', '<task>text<s>x</s></task>', '<task>x</task>', '<task>\r\n<s>x</s></task>'];
    for (const xml of notFlat) {
      assert.equal(readFlatXml(xml, safeName), undefined, xml);
      assert.deepEqual(outcome(() => parseXml(xml)), outcome(() => parseXmlFully(xml)), xml);
    }
  });
});
