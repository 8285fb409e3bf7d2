// fast-check arbitraries read from the service's own OpenAPI document (api/openapi.ts): values that fit
// a JSON schema, and values made to break it. For test/api/badInput.test.ts.
import fc from 'fast-check';

export interface JsonSchema {
  $ref?: string;
  type?: 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array';
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean | number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  nullable?: boolean;
  allOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  example?: unknown;
}

export interface OpenApiDoc {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, JsonSchema> };
}

export interface OpenApiOperation {
  description?: string;
  parameters?: { name: string; in: 'path' | 'query'; required?: boolean; schema: JsonSchema }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> };
}

export function resolveRef(doc: OpenApiDoc, schema: JsonSchema): JsonSchema {
  if (!schema.$ref) return schema;
  return resolveRef(doc, doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')]!);
}

/** allOf's parts as one object schema (zod-to-openapi writes `.extend()` that way). */
function merged(doc: OpenApiDoc, parts: JsonSchema[]): JsonSchema {
  const all = parts.map((p) => resolveRef(doc, p));
  return {
    type: 'object',
    properties: Object.assign({}, ...all.map((p) => p.properties ?? {})) as Record<string, JsonSchema>,
    required: all.flatMap((p) => p.required ?? []),
  };
}

function stringOf(s: JsonSchema): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = Math.min(s.maxLength ?? min + 24, min + 24);
  const fits = (v: string) => v.length >= min && v.length <= (s.maxLength ?? Infinity);
  if (s.format === 'email') return fc.emailAddress().filter(fits);
  if (s.format === 'date-time')
    return fc.date({ min: new Date('2020-01-01'), max: new Date('2035-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
  if (s.format === 'date')
    return fc
      .date({ min: new Date('2020-01-01'), max: new Date('2035-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
  // Repeating or cutting a match of `^[…]+$` (every id here) keeps it a match: no filter that never passes.
  const sized = (v: string) => (v.length < min && v.length > 0 ? v.repeat(Math.ceil(min / v.length)) : v).slice(0, s.maxLength ?? Infinity);
  if (s.pattern) return fc.stringMatching(new RegExp(s.pattern), { size: 'xsmall' }).map(sized).filter(fits);
  return fc.string({ minLength: min, maxLength: max });
}

function numberOf(s: JsonSchema): fc.Arbitrary<number> {
  const exclusive = s.exclusiveMinimum === true ? 1 : 0;
  const min = typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + 1 : (s.minimum ?? -1_000_000) + exclusive;
  const max = s.maximum ?? Math.max(min, 0) + 5_000_000;
  const integer = fc.integer({ min: Math.ceil(min), max: Math.floor(max) });
  if (s.type === 'integer') return integer;
  return fc.oneof(integer, fc.double({ min, max, noNaN: true, noDefaultInfinity: true }));
}

/** Values that fit the schema (and its example, when it has one: business-valid more often). */
export function valueOf(doc: OpenApiDoc, schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  const s = resolveRef(doc, schema);
  if (s.allOf) return valueOf(doc, { ...merged(doc, s.allOf), nullable: s.nullable }, depth);
  const plain = plainValueOf(doc, s, depth);
  const withNull = s.nullable ? fc.option(plain, { nil: null, freq: 4 }) : plain;
  return s.example === undefined ? withNull : fc.oneof(fc.constant(s.example), withNull);
}

function plainValueOf(doc: OpenApiDoc, s: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  if (s.oneOf ?? s.anyOf) return fc.oneof(...(s.oneOf ?? s.anyOf)!.map((p) => valueOf(doc, p, depth + 1)));
  if (s.enum) return fc.constantFrom(...s.enum);
  switch (s.type) {
    case 'string':
      return stringOf(s);
    case 'integer':
    case 'number':
      return numberOf(s);
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const minLength = s.minItems ?? 0;
      const maxLength = Math.min(s.maxItems ?? minLength + 3, minLength + (depth > 2 ? 0 : 3));
      return fc.array(valueOf(doc, s.items ?? {}, depth + 1), { minLength, maxLength });
    }
    case 'object':
    default: {
      if (!s.properties) return fc.dictionary(fc.string({ maxLength: 8 }), fc.integer(), { maxKeys: depth > 2 ? 0 : 3 });
      const shape = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, valueOf(doc, v, depth + 1)]));
      return fc.record(shape, { requiredKeys: (s.required ?? []).filter((k) => k in shape) });
    }
  }
}

/** What breaks schemas: wrong types, empties, the huge, the hostile, the impossible date. */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, 0, -1, 1.5, -0, 1e308, '', ' ', {}, [], '2026-02-30', '<script>alert(1)</script>'),
  fc.constantFrom("'; drop table accounts; --", '\u0000', '../../etc/passwd', 'x'.repeat(5000), '💥'.repeat(100), 'NaN'),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.jsonValue({ maxDepth: 2 }),
);

type Json = unknown;
/** Every place in a JSON value: the paths to its members and elements. */
function placesIn(value: Json, path: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [path];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [path, ...keys.flatMap((k) => placesIn((value as Record<string | number, Json>)[k], [...path, k]))];
}

function changedAt(value: Json, path: (string | number)[], replacement: Json | typeof DROP): Json {
  if (path.length === 0) return replacement === DROP ? undefined : replacement;
  const [head, ...rest] = path;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, Json>;
  if (rest.length === 0 && replacement === DROP) {
    if (Array.isArray(copy)) copy.splice(head as number, 1);
    else delete copy[head!];
  } else copy[head!] = changedAt(copy[head!], rest, replacement);
  return copy;
}
const DROP = Symbol('drop');

/** A value that fits the schema, then one place in it dropped or replaced by something hostile. */
export function mutatedValueOf(doc: OpenApiDoc, schema: JsonSchema): fc.Arbitrary<unknown> {
  return fc.tuple(valueOf(doc, schema), fc.nat(), fc.oneof(fc.constant<typeof DROP>(DROP), hostile)).map(([valid, at, replacement]) => {
    const places = placesIn(valid);
    return changedAt(valid, places[at % places.length]!, replacement);
  });
}

// Issue 24: the values at the edges of the API's vocabulary (api/schemas/common.ts), just outside and just
// inside: what Postgres or SMTP refuse once a value is past validation.
const LONE_SURROGATES = ['\ud800', 'Mallory \ud800', 'a\udfffb', '\udc00\ud800'];
const edgeDays = ['0000-01-01', '0001-01-01', '0099-12-31', '1999-12-31', '2000-01-01', '2099-12-31', '2100-01-01', '9999-12-31'];
const edgesOfFormat: Record<string, unknown[]> = {
  date: edgeDays,
  'date-time': edgeDays.map((d) => `${d}T00:00:00Z`),
  email: [`${'a'.repeat(64)}@edge.example`, `${'a'.repeat(65)}@edge.example`, `a@${'d'.repeat(250)}.example`],
};
const edgeNumbers = [1e14, 99_999_999_999_999.98, 1e14 - 1, 1.005, 2_147_483_647, 2_147_483_648];
/** Keys no object may have: NUL and lone surrogates (Postgres jsonb refuses both). */
const BAD_KEYS = ['note\u0000', '\u0000', '\ud800', 'k\udc00'];

/** The edge values of a schema: by its format, else by its type (an object's are keys it may not have). */
function edgesOf(s: JsonSchema): { values: unknown[] } | { keys: string[] } | undefined {
  const byFormat = s.format ? edgesOfFormat[s.format] : undefined;
  if (byFormat) return { values: byFormat };
  if (s.type === 'string' && !s.enum) return { values: [...LONE_SURROGATES, 'nul \u0000 inside'] };
  if (s.type === 'number' || s.type === 'integer') return { values: edgeNumbers };
  if (s.type === 'object' || s.properties) return { keys: BAD_KEYS };
}

type Place = { path: (string | number)[]; edges: NonNullable<ReturnType<typeof edgesOf>> };
/** Every place of a schema that has edges, an array by its first element. */
function edgePlaces(doc: OpenApiDoc, schema: JsonSchema, path: (string | number)[] = [], depth = 0): Place[] {
  const r = resolveRef(doc, schema);
  const s = r.allOf ? merged(doc, r.allOf) : r;
  const edges = edgesOf(s);
  const here: Place[] = edges ? [{ path, edges }] : [];
  if (depth > 4) return here;
  if (s.type === 'array' && s.items) return [...here, ...edgePlaces(doc, s.items, [...path, 0], depth + 1)];
  const members = Object.entries(s.properties ?? {}).flatMap(([k, v]) => edgePlaces(doc, v, [...path, k], depth + 1));
  return [...here, ...members];
}

/** `value` with the place at `path` set, making the objects and arrays on the way that are not there. */
function setAt(value: Json, path: (string | number)[], replacement: Json): Json {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  const container = typeof head === 'number' ? [] : {};
  const copy = (value !== null && typeof value === 'object' ? (Array.isArray(value) ? [...value] : { ...value }) : container) as Record<
    string | number,
    Json
  >;
  copy[head!] = setAt(copy[head!], rest, replacement);
  return copy;
}

/** A value that fits the schema with one place at an edge (issue 24): a value, or a key no object may have. */
export function edgeValueOf(doc: OpenApiDoc, schema: JsonSchema): fc.Arbitrary<unknown> {
  const places = edgePlaces(doc, schema);
  if (!places.length) return valueOf(doc, schema);
  return fc.tuple(valueOf(doc, schema), fc.constantFrom(...places), fc.nat()).map(([valid, { path, edges }, pick]) => {
    if ('values' in edges) return setAt(valid, path, edges.values[pick % edges.values.length]);
    const key = edges.keys[pick % edges.keys.length]!;
    return setAt(valid, [...path, key], 'bad key');
  });
}
