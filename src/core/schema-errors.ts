// ajv's messages said in terms of what is wrong, for people fixing an admin
// request or a fixture file. Two of ajv's messages name nothing:
// additionalProperties / unevaluatedProperties ("must NOT have additional
// properties": which one?) and contains ("must contain at least 1 and no more
// than 1 valid item(s)": items like what?). Both are rewritten from the schema
// itself, for every schema: the unknown key and the keys the schema knows; the
// contains subschema's own `description` and how many items meet it. Other
// messages are ajv's, but for a `not` of required lists, which says which keys
// may not come together, and an enum, which lists its values. Only failed
// validations come here: valid input pays nothing.
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { JsonSchema, SchemaRegistry } from './schemas.js';

/** A schema met while following an instance path, and where it sits (its file's $id and the JSON pointer in it). */
interface Located {
  schema: JsonSchema;
  baseId: string;
  pointer: string;
}

const escapeSegment = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');
const unescapeSegment = (segment: string) => segment.replaceAll('~1', '/').replaceAll('~0', '~');

/** The schema and every schema it applies in place ($ref, allOf, anyOf, oneOf), each once. */
function inPlace(registry: SchemaRegistry, start: Located): Located[] {
  const out: Located[] = [];
  const seen = new Set<JsonSchema>();
  const visit = (at: Located) => {
    if (seen.has(at.schema)) return;
    seen.add(at.schema);
    out.push(at);
    const { schema } = at;
    if (typeof schema.$ref === 'string') {
      const resolved = registry.resolveRef(schema.$ref, at.baseId);
      visit({ ...resolved, pointer: schema.$ref.split('#')[1] ?? '' });
    }
    for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const) {
      const list = schema[keyword];
      if (Array.isArray(list)) list.forEach((sub, i) => visit({ schema: sub as JsonSchema, baseId: at.baseId, pointer: `${at.pointer}/${keyword}/${i}` }));
    }
  };
  visit(start);
  return out;
}

/** The schemas that apply to the value at `instancePath` (as far as properties, items and prefixItems lead). */
function schemasAt(registry: SchemaRegistry, rootName: string, instancePath: string): Located[] {
  const root = registry.get(rootName);
  let current = inPlace(registry, { schema: root, baseId: root.$id ?? rootName, pointer: '' });
  for (const raw of instancePath.split('/').slice(1)) {
    const segment = unescapeSegment(raw);
    const next: Located[] = [];
    for (const { schema, baseId, pointer } of current) {
      const property = schema.properties?.[segment];
      if (property) next.push({ schema: property, baseId, pointer: `${pointer}/properties/${escapeSegment(segment)}` });
      if (/^\d+$/.test(segment)) {
        const prefix = schema.prefixItems;
        if (Array.isArray(prefix) && Number(segment) < prefix.length) next.push({ schema: prefix[Number(segment)] as JsonSchema, baseId, pointer: `${pointer}/prefixItems/${segment}` });
        else if (schema.items && typeof schema.items === 'object') next.push({ schema: schema.items as JsonSchema, baseId, pointer: `${pointer}/items` });
      }
    }
    current = next.flatMap((at) => inPlace(registry, at));
  }
  return current;
}

/** The value at a JSON pointer (instancePath) in `data`. */
function valueAt(data: unknown, instancePath: string): unknown {
  let node = data;
  for (const raw of instancePath.split('/').slice(1)) node = (node as Record<string, unknown> | undefined)?.[unescapeSegment(raw)];
  return node;
}

/** "QueuedFault" -> "queued fault": a schema's title as a noun in a sentence. */
const noun = (title: string) => title.replace(/([a-z\d])([A-Z])/g, '$1 $2').toLowerCase();

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next.push(Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    row = next;
  }
  return row[b.length]!;
}

/** The known key a typo most likely meant: a letter or two off, or the same word with a prefix ("isDefault" for "default"). */
function closest(unknown: string, known: readonly string[]): string | undefined {
  const lower = unknown.toLowerCase();
  let best: { key: string; distance: number } | undefined;
  for (const key of known) {
    const k = key.toLowerCase();
    const distance = k === lower ? 0 : k.length >= 3 && lower.length >= 3 && (lower.includes(k) || k.includes(lower)) ? 1 : editDistance(lower, k);
    if (distance <= Math.max(1, Math.floor(Math.min(lower.length, k.length) / 3)) && (!best || distance < best.distance)) best = { key, distance };
  }
  return best?.key;
}

function unknownKey(registry: SchemaRegistry, rootName: string, error: ErrorObject, key: string): string {
  const here = schemasAt(registry, rootName, error.instancePath);
  const known = [...new Set(here.flatMap(({ schema }) => Object.keys(schema.properties ?? {})))];
  const title = here.find(({ schema }) => typeof schema.title === 'string')?.schema.title as string | undefined;
  const meant = closest(key, known);
  return (
    `unknown ${title ? `${noun(title)} ` : ''}key ${JSON.stringify(key)}` +
    (meant ? ` (did you mean ${JSON.stringify(meant)}?)` : '') +
    (known.length > 0 ? `; known keys: ${known.join(', ')}` : '; no keys are allowed here')
  );
}

const count = (n: number) => (n === 1 ? 'one' : String(n));

function containsCount(registry: SchemaRegistry, rootName: string, error: ErrorObject, data: unknown): string | undefined {
  const at = schemasAt(registry, rootName, error.instancePath).find(({ schema }) => schema.contains && typeof schema.contains === 'object');
  if (!at) return undefined;
  const contains = inPlace(registry, { schema: at.schema.contains as JsonSchema, baseId: at.baseId, pointer: `${at.pointer}/contains` });
  const items = valueAt(data, error.instancePath);
  if (!Array.isArray(items)) return undefined;
  // Counted by the contains subschema itself, compiled by its place in the file: the schema stays the only statement of the rule.
  const meets = registry.validator(`${at.baseId}#${at.pointer}/contains`);
  const found = items.filter((item) => meets(item)).length;
  const { minContains = 1, maxContains } = error.params as { minContains?: number; maxContains?: number };
  // What one such item is, said by the subschema's description (schemas/fixtures/wello.schema.json, $defs/theDefault).
  const what = (contains.find(({ schema }) => typeof schema.description === 'string')?.schema.description as string | undefined) ?? 'item matching its "contains" schema';
  const quantity =
    maxContains === undefined
      ? `at least ${count(minContains)}`
      : minContains === maxContains
        ? `exactly ${count(minContains)}`
        : minContains === 0
          ? `at most ${count(maxContains)}`
          : `between ${minContains} and ${maxContains}`;
  return `must have ${quantity} ${what} (found ${found})`;
}

/** A `not` made of required lists ("not both count and atLeast"): which keys given together it refuses. */
function forbiddenTogether(registry: SchemaRegistry, rootName: string, error: ErrorObject, data: unknown): string | undefined {
  const value = valueAt(data, error.instancePath);
  if (value === null || typeof value !== 'object') return undefined;
  const given = (keys: unknown) => Array.isArray(keys) && keys.length > 0 && keys.every((key) => Object.hasOwn(value, String(key)));
  for (const { schema } of schemasAt(registry, rootName, error.instancePath)) {
    const not = schema.not as JsonSchema | undefined;
    if (!not || typeof not !== 'object') continue;
    const sets = Array.isArray(not.anyOf) ? (not.anyOf as JsonSchema[]).map((sub) => sub.required) : [not.required];
    const broken = sets.find(given);
    if (!broken) continue;
    const keys = broken.map((key) => JSON.stringify(key));
    return keys.length === 1 ? `must not have ${keys[0]!} here` : `must not have both ${keys.slice(0, -1).join(', ')} and ${keys.at(-1)!}`;
  }
  return undefined;
}

/**
 * The errors ajv keeps from trying items against a failed `contains` (with
 * allErrors, every item that is not "the default" says it lacks "default"):
 * an item need not meet `contains`, so they are not faults of the item. They
 * are the errors under the contains' instance path whose schema path lies in
 * the contains subschema (inline, or the schema it refers to).
 */
function withoutContainsTrials(registry: SchemaRegistry, rootName: string, errors: readonly ErrorObject[]): ErrorObject[] {
  const trials = new Set<ErrorObject>();
  for (const failed of errors) {
    if (failed.keyword !== 'contains') continue;
    const at = schemasAt(registry, rootName, failed.instancePath).find(({ schema }) => schema.contains && typeof schema.contains === 'object');
    const inside = at ? inPlace(registry, { schema: at.schema.contains as JsonSchema, baseId: at.baseId, pointer: `${at.pointer}/contains` }) : [];
    const prefixes = [failed.schemaPath, ...inside.map(({ pointer }) => `#${pointer}`)];
    for (const error of errors) {
      if (error === failed || !error.instancePath.startsWith(`${failed.instancePath}/`)) continue;
      if (prefixes.some((prefix) => error.schemaPath === prefix || error.schemaPath.startsWith(`${prefix}/`))) trials.add(error);
    }
  }
  return errors.filter((error) => !trials.has(error));
}

/**
 * ajv's errors for `data` against the schema `rootName`, with the messages
 * that name nothing rewritten to name the key or the rule. The errors are
 * copies; everything but `message` is ajv's.
 */
export function explainErrors(registry: SchemaRegistry, rootName: string, errors: readonly ErrorObject[], data: unknown): ErrorObject[] {
  return withoutContainsTrials(registry, rootName, errors).map((error) => {
    let message: string | undefined;
    try {
      if (error.keyword === 'additionalProperties') message = unknownKey(registry, rootName, error, String(error.params.additionalProperty));
      else if (error.keyword === 'unevaluatedProperties') message = unknownKey(registry, rootName, error, String(error.params.unevaluatedProperty));
      else if (error.keyword === 'contains') message = containsCount(registry, rootName, error, data);
      else if (error.keyword === 'not') message = forbiddenTogether(registry, rootName, error, data);
      else if (error.keyword === 'enum') message = `must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    } catch {
      // A schema shape this walk does not follow: ajv's own message is still true.
      message = undefined;
    }
    return message === undefined ? { ...error } : { ...error, message };
  });
}
