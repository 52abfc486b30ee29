// xmlbuilder2 brings a whole DOM implementation that takes ~30 ms to load,
// a tenth of the start-up time, and most runs never write XML. It is loaded
// on first use instead (it is CommonJS, so a synchronous require works).
import { createRequire } from 'node:module';
import type * as XmlBuilder2 from 'xmlbuilder2';

const require = createRequire(import.meta.url);
let xmlbuilder2: typeof XmlBuilder2 | undefined;

/** xmlbuilder2's `create`, loaded on the first call. */
export const createXml = ((...args: unknown[]) => {
  xmlbuilder2 ??= require('xmlbuilder2') as typeof XmlBuilder2;
  return (xmlbuilder2.create as (...a: unknown[]) => unknown)(...args);
}) as typeof XmlBuilder2.create;
