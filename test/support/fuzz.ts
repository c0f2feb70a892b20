import fc from 'fast-check';
import { z } from 'zod';
import type { RouteContract } from '#platform/http/contract.ts';

// Hostile requests for any route contract: wrong types, missing and extra fields, huge and
// deeply nested values, bad JSON, bad UTF-8, random path parameters and query strings.

export interface FuzzRequest {
  path: string;
  /** A JSON value to send as the body, or raw bytes/text; undefined sends no body. */
  body?: { json: unknown } | { raw: string | Buffer };
  contentType?: string;
  idempotencyKey?: string;
}

const text = fc.string({ unit: 'binary', maxLength: 40 });

/** A string of `size` characters, cheap to make even at 60 KB. */
const huge = fc
  .tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }), fc.integer({ min: 1_000, max: 60_000 }))
  .map(([piece, size]) => piece.repeat(Math.ceil(size / piece.length)).slice(0, size));

const deep = fc.tuple(fc.integer({ min: 10, max: 3_000 }), fc.boolean()).map(([depth, arrays]) => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = arrays ? [value] : { a: value };
  return value;
});

const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  text,
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
  fc.jsonValue({ maxDepth: 3 }),
);

function fieldNames(route: RouteContract): string[] {
  return route.body instanceof z.ZodObject ? Object.keys(route.body.shape) : [];
}

/** Objects with some of the contract's fields (random values), maybe extras, maybe huge or deep values. */
function objectBody(route: RouteContract): fc.Arbitrary<Record<string, unknown>> {
  const known = fieldNames(route);
  const name = known.length ? fc.oneof(fc.constantFrom(...known), text) : text;
  const value = fc.oneof(
    { weight: 5, arbitrary: wrongValue },
    { weight: 1, arbitrary: huge },
    { weight: 1, arbitrary: deep },
  );
  return fc.dictionary(name, value, { maxKeys: known.length + 2 });
}

const badJson = fc.oneof(
  fc.constantFrom('{', '{"a":', '[1,2', 'nul', '{"a" 1}', "{'a': 1}", 'undefined', '{"a":1}}', '\u0000'),
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v).slice(0, -1) || '{'),
  text.filter((t) => {
    try {
      JSON.parse(t);
      return false;
    } catch {
      return true;
    }
  }),
);

/** Names that mean something to JavaScript objects: as keys they must be plain data. */
export const PROTOTYPE_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
  'isPrototypeOf',
] as const;
const protoName = fc.constantFrom(...PROTOTYPE_NAMES);

/** Prototype-named keys at the top or one level down a known field, e.g.
 *  `{"answers":{"constructor":"y"}}`, as raw JSON so that `__proto__` is a real key. */
function prototypeBody(route: RouteContract): fc.Arbitrary<string> {
  const known = fieldNames(route);
  const value = fc.oneof(text, fc.integer(), fc.constant({}), fc.constant(null), fc.constant([]));
  const inner = fc
    .array(fc.tuple(protoName, value), { minLength: 1, maxLength: 3 })
    .map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`);
  return fc.oneof(
    inner,
    fc
      .tuple(known.length ? fc.constantFrom(...known) : protoName, inner)
      .map(([k, v]) => `{${JSON.stringify(k)}:${v}}`),
  );
}

const badUtf8 = fc
  .uint8Array({ maxLength: 64 })
  .map((tail) => Buffer.concat([Buffer.from([0xff, 0xfe, 0x7b, 0xc3, 0x28]), Buffer.from(tail)]));

function bodies(route: RouteContract): fc.Arbitrary<FuzzRequest['body']> {
  return fc.oneof(
    fc.constant(undefined),
    objectBody(route).map((json) => ({ json })),
    wrongValue.map((json) => ({ json })),
    huge.map((json) => ({ json })),
    deep.map((json) => ({ json })),
    fc.array(objectBody(route), { maxLength: 3 }).map((json) => ({ json })),
    badJson.map((raw) => ({ raw })),
    badUtf8.map((raw) => ({ raw })),
    prototypeBody(route).map((raw) => ({ raw })),
  );
}

const segment = fc.oneof(
  text,
  fc.constantFrom('..', '.', '%', '%zz', ' ', 'ACCOUNT#x', 'null', '0', '-1', '💥'),
  fc.string({ unit: 'binary', minLength: 200, maxLength: 600 }),
);

function filledPath(route: RouteContract): fc.Arbitrary<string> {
  const names = route.path.match(/\{\w+\}/g) ?? [];
  return fc.array(segment, { minLength: names.length, maxLength: names.length }).map((values) => {
    let i = 0;
    return route.path.replace(
      /\{\w+\}/g,
      () => encodeURIComponent(values[i++] ?? '').replaceAll('.', '%2E') || 'x',
    );
  });
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** Cursors the server never issued: keys of other lists and indexes, empty and odd key
 *  values, prototype names, and the shape of a sealed cursor with a forged seal. */
const craftedCursor = fc.oneof(
  fc.constantFrom(
    b64({ PK: '', SK: '', GSI1PK: '', GSI1SK: '' }),
    b64({ PK: 'PARTNER#x', SK: 'PARTNER', GSI1PK: 'PARTNERS', GSI1SK: 'tokopedia' }),
    b64({ PK: 'WAVE#x', SK: 'WAVE', GSI1PK: 'WAVES', GSI1SK: '2026' }),
    b64({ slice: 3, start: { PK: '', SK: '' } }),
    b64({ slice: -1 }),
    b64({ __proto__: { PK: 'x' }, constructor: 'y' }),
    b64(null),
    b64([]),
    `${b64({ PK: 'WAVE#x', SK: 'WAVE', GSI1PK: 'WAVES', GSI1SK: '2026' })}.${'A'.repeat(43)}`,
    'a.b',
    '.',
  ),
  fc
    .tuple(fc.jsonValue({ maxDepth: 2 }), fc.boolean())
    .map(([v, sealed]) => (sealed ? `${b64(v)}.${b64(v)}` : b64(v))),
);

const query = fc.oneof(
  craftedCursor.map((cursor) => `cursor=${encodeURIComponent(cursor)}`),
  protoName.map((name) => `${name}=1&limit=2`),
  fc.constant(''),
  fc
    .array(
      fc.tuple(
        fc.oneof(text, fc.constantFrom('to', 'cursor', 'limit')),
        fc.oneof(text, fc.integer().map(String)),
      ),
      {
        maxLength: 4,
      },
    )
    .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')),
  fc.constantFrom('=', '&&', '%', 'a=%zz', 'to', 'limit=1e9', 'limit=-5', 'cursor=%00'),
);

export function fuzzRequests(route: RouteContract): fc.Arbitrary<FuzzRequest> {
  return fc.record({
    path: fc.tuple(filledPath(route), query).map(([path, q]) => (q ? `${path}?${q}` : path)),
    body: bodies(route),
    contentType: fc.constantFrom(
      undefined,
      'application/json',
      'text/plain',
      'application/json; charset=latin1',
    ),
  });
}

/** Whether the route's own schema would take this body (used to spare side effects). */
export function acceptsBody(route: RouteContract, body: FuzzRequest['body']): boolean {
  if (!route.body || !body) return false;
  let value: unknown;
  if ('json' in body) value = body.json;
  else {
    try {
      value = JSON.parse(body.raw.toString());
    } catch {
      return false;
    }
  }
  return route.body.safeParse(value).success;
}
