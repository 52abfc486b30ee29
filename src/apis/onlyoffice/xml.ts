// XML is made from the JSON: root <result>, elements in the JSON key order
// (docs/fidelity.md, ONLYOFFICE: Envelope).
import { createXml as create } from '../../core/xml-builder.js';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';

export const XML_UTF8 = 'text/xml; charset=utf-8';

function append(parent: XMLBuilder, name: string, value: unknown): void {
  if (value === undefined) return;
  // Made from the JSON (docs/fidelity.md, ONLYOFFICE: Envelope): a key written as null there
  // (a contact's currency) is still an element here, an empty one.
  if (value === null) {
    parent.ele(name);
    return;
  }
  if (Array.isArray(value)) {
    const list = parent.ele(name);
    for (const item of value) append(list, 'item', item);
    return;
  }
  const element = parent.ele(name);
  if (typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) append(element, key, child);
  } else {
    element.txt(String(value));
  }
}

export function renderXmlResult(body: Record<string, unknown>): string {
  const root = create().ele('result');
  for (const [key, value] of Object.entries(body)) append(root, key, value);
  // `allowEmptyTags` writes <profileUrl></profileUrl>, as the seed's XML sample does.
  return root.end({ headless: true, allowEmptyTags: true });
}
