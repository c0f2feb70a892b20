// The machinery behind contexts/items.ts: one declaration per item type gives its
// key, its type tag, its index keys and how to read it back. The key function is the
// only statement of an item's key format: it is run once on placeholders to learn the
// format, so matching an item, reading its key parts back and the README's table
// (test/unit/items.test.ts) all follow it.

/** An item as DynamoDB returns it (lib-dynamodb, unmarshalled). */
export type RawItem = Record<string, unknown>;
// A type, not an interface: a key is also a plain record (BatchGet's Keys).
export type Key = { PK: string; SK: string };

/** What `parse` removes: the table's keys, the type tag and the audit index's filter
 *  attributes (items.ts `auditIndex`) are the store's, not the value's. */
const KEY_ATTRIBUTES = [
  'PK',
  'SK',
  'GSI1PK',
  'GSI1SK',
  'GSI2PK',
  'GSI2SK',
  'GSI3PK',
  'GSI3SK',
  'type',
  'auditActor',
  'auditKind',
];

export class NotThisItem extends Error {}

export interface ItemType<T, K> {
  /** The `type` attribute the item carries (and the item's name, when it carries none). */
  readonly type: string;
  /** The key format, `<part>` where a key part goes (e.g. `ACCOUNT#<accountId>`). */
  readonly format: Key;
  key(parts: K): Key;
  /** The partition of `parts`, and the sort key's fixed start (for `begins_with`). */
  partition(parts: Partial<K>): { PK: string; SKPrefix: string };
  /** The item as it is written: key, type tag, index keys, then the value. */
  item(value: T & K): RawItem;
  item(value: T, parts: K): RawItem;
  /** Its key has this type's format, and its tag (if it has one) is this type's. */
  matches(raw: RawItem): boolean;
  /** The value without keys and tag; throws NotThisItem for an item of another type. */
  parse(raw: RawItem): T;
  parse(raw: RawItem | undefined): T | undefined;
  /** The key parts read back from an item's keys. */
  partsOf(raw: RawItem): Record<keyof K & string, string>;
  /** A key (no tag to go by) has this type's format; `sk` undefined: the partition only. */
  keyMatches(pk: string, sk?: string): boolean;
  /** The sort key's fixed start, before its first part (all of it when it has none). */
  readonly skPrefix: string;
  /** The IAM `dynamodb:LeadingKeys` pattern of its partition (`ACCOUNT#<accountId>` ->
   *  `ACCOUNT#*`), or undefined when the declaration says it cannot be expressed. */
  readonly leadingKeys: string | undefined;
  /** Why its partition has no LeadingKeys pattern (declared with `leadingKeys: 'unexpressible'`). */
  readonly unexpressible?: string;
}

interface Declaration<T, K> {
  type: string;
  key: (parts: K) => Key;
  /** The GSI keys the item is written with (sparse indexes: absent means not listed). */
  indexes?: (value: T) => Record<string, string>;
  /** Written without a `type` attribute (counters created by an update): kept so, since
   *  the items on disk do not change. */
  untagged?: true;
  /** A partition key that starts with a part (or is one) has no `dynamodb:LeadingKeys`
   *  pattern: a grant of it is unconditioned, so it must say so, and why. */
  leadingKeys?: 'unexpressible';
  why?: string;
}

// Placeholders for key parts: ⟨name⟩, mathematical brackets no real key part holds.
const hole = (name: string) => `⟨${name}⟩`;
const HOLES = /⟨(\w+)⟩/g;
const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function keyWith<K>(key: (parts: K) => Key, given: Partial<K> = {}): Key {
  const parts = new Proxy(given, {
    get: (target, name) => (name in target ? target[name as keyof K] : hole(String(name))),
  });
  // A proxy stands in for the parts: key functions only read named properties of it.
  return key(parts as K);
}

function patternOf(format: string): RegExp {
  const seen = new Set<string>();
  const source = format
    .split(HOLES)
    .map((piece, i) => {
      if (i % 2 === 0) return literal(piece);
      if (seen.has(piece)) return `\\k<${piece}>`;
      seen.add(piece);
      return `(?<${piece}>.+?)`;
    })
    .join('');
  // `s`: a part may hold any character, a line break too (a path parameter can).
  return new RegExp(`^${source}$`, 's');
}

/** `item<Value>()({ type, key, ... })`: the value type is given, the key parts inferred. */
export function item<T>() {
  return <K>(declaration: Declaration<T, K>): ItemType<T, K> => {
    const { type, key, indexes, untagged } = declaration;
    const raw = keyWith(key);
    const pkPattern = raw.PK.replace(HOLES, '*');
    const expressible = !raw.PK.startsWith('⟨');
    if (declaration.leadingKeys === 'unexpressible' ? !declaration.why : !expressible)
      throw new Error(
        `${type}: a partition key that starts with a part has no LeadingKeys pattern: declare leadingKeys: 'unexpressible' and why`,
      );
    const format = {
      PK: raw.PK.replace(HOLES, '<$1>'),
      SK: raw.SK.replace(HOLES, '<$1>'),
    };
    const pk = patternOf(raw.PK);
    const sk = patternOf(raw.SK);
    const matches = (item: RawItem) =>
      typeof item.PK === 'string' &&
      typeof item.SK === 'string' &&
      pk.test(item.PK) &&
      sk.test(item.SK) &&
      (item.type === undefined || item.type === type);
    function parse(item: RawItem): T;
    function parse(item: RawItem | undefined): T | undefined;
    function parse(item: RawItem | undefined): T | undefined {
      if (item === undefined) return undefined;
      if (!matches(item)) throw new NotThisItem(`not a ${type}: ${String(item.PK)} ${String(item.SK)}`);
      const value = Object.fromEntries(
        Object.entries(item).filter(([name]) => !KEY_ATTRIBUTES.includes(name)),
      );
      // The one cast of a stored shape: only this declaration writes items of this key
      // format, and their type was just checked.
      return value as T;
    }
    function write(value: T & K): RawItem;
    function write(value: T, parts: K): RawItem;
    function write(value: T, parts?: K): RawItem {
      return {
        // Without `parts` the overload took a value that holds them.
        ...key(parts ?? (value as T & K)),
        ...(untagged ? {} : { type }),
        ...indexes?.(value),
        ...value,
      };
    }
    return {
      type,
      format,
      key,
      partition(parts) {
        const { PK, SK } = keyWith(key, parts);
        if (PK.includes('⟨')) throw new Error(`${type}: the partition needs every part of ${format.PK}`);
        return { PK, SKPrefix: SK.split('⟨')[0]! };
      },
      item: write,
      matches,
      parse,
      keyMatches: (PK, SK) => pk.test(PK) && (SK === undefined || sk.test(SK)),
      skPrefix: raw.SK.split('⟨')[0]!,
      leadingKeys: declaration.leadingKeys === 'unexpressible' ? undefined : pkPattern,
      ...(declaration.leadingKeys === 'unexpressible' ? { unexpressible: declaration.why } : {}),
      partsOf(item) {
        const groups = {
          ...pk.exec(String(item.PK))?.groups,
          ...sk.exec(String(item.SK))?.groups,
        };
        return groups as Record<keyof K & string, string>;
      },
    };
  };
}

/** The first item of `items` that is a `type`, parsed. */
export function pick<T, K>(items: RawItem[], type: ItemType<T, K>): T | undefined {
  const found = items.find((i) => type.matches(i));
  return found && type.parse(found);
}

/** Every item of `items` that is a `type`, parsed. */
export function pickAll<T, K>(items: RawItem[], type: ItemType<T, K>): T[] {
  return items.filter((i) => type.matches(i)).map((i) => type.parse(i));
}
