import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as declarations from '#test/support/all-items.ts';

// docs/data-model.md's table of item types says what the declarations say: one row per
// declaration (found by its shape among the module's exports, not from a list), with its
// key format, its type tag and the indexes it is written into; and no row for an item
// that is not declared.

type Declaration = {
  type: string;
  format: { PK: string; SK: string };
  matches: (raw: unknown) => boolean;
  item: (value: unknown, parts: unknown) => Record<string, unknown>;
};
const isDeclaration = (v: unknown): v is Declaration =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Declaration).type === 'string' &&
  typeof (v as Declaration).format?.PK === 'string' &&
  typeof (v as Declaration).matches === 'function' &&
  typeof (v as Declaration).item === 'function';
const declared = Object.entries(declarations as Record<string, unknown>).filter(
  (entry): entry is [string, Declaration] => isDeclaration(entry[1]),
);

/** What the declaration writes for a sample: its tag, and the indexes it is listed in.
 *  The sample's `status` is a due one, so a sparse index written only then shows too. */
function written(declaration: Declaration) {
  const value = new Proxy({}, { get: (_, name) => (name === 'status' ? 'SCHEDULED' : 'x') });
  const parts = new Proxy({}, { get: (_, name) => `<${String(name)}>` });
  const item = declaration.item(value, parts);
  return {
    tag: 'type' in item ? declaration.type : 'untagged',
    indexes: ['GSI1', 'GSI2', 'GSI3'].filter((index) => `${index}PK` in item),
  };
}

const doc = readFileSync(new URL('../../docs/data-model.md', import.meta.url), 'utf8');
const section = doc.slice(doc.indexOf('## Item types'));
const lines = section.slice(section.indexOf('| item |')).split('\n').slice(2);
const rows = lines
  .slice(
    0,
    lines.findIndex((line) => !line.startsWith('|')),
  )
  .map((line) => {
    const [name, tag, pk, sk, indexes] = line
      .split('|')
      .slice(1, 6)
      .map((cell) => cell.trim());
    return { name, tag: tag!.replace(/`/g, ''), pk: pk!, sk: sk!, indexes: indexes! };
  });
/** A key format with its placeholders unnamed: `ACCOUNT#<id>` and `ACCOUNT#<accountId>` agree. */
const shape = (format: string) => format.replace(/<[^>]*>|…/g, '<>');
const formats = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => shape(m[1]!));
const rowsOf = (declaration: Declaration) =>
  rows.filter(
    (row) =>
      formats(row.pk).includes(shape(declaration.format.PK)) &&
      formats(row.sk).includes(shape(declaration.format.SK)),
  );

describe('docs/data-model.md', () => {
  it('finds the declarations', () => {
    expect(declared.length).toBeGreaterThan(30);
    expect(rows.length).toBeGreaterThan(30);
  });

  it.each(declared.map(([name, d]) => [name, d] as const))('has one row for %s, true to it', (name, d) => {
    const found = rowsOf(d);
    expect(found, `${name}: ${d.format.PK} / ${d.format.SK}`).toHaveLength(1);
    const row = found[0]!;
    const { tag, indexes } = written(d);
    expect(row.tag, `${name}'s type tag`).toBe(tag);
    expect([...new Set(row.indexes.match(/GSI\d/g) ?? [])].sort(), `${name}'s indexes`).toEqual(indexes);
  });

  it('has no row for an item that is not declared', () => {
    const documented = new Set(declared.flatMap(([, d]) => rowsOf(d)));
    expect(rows.filter((row) => !documented.has(row)).map((row) => row.name)).toEqual([]);
  });
});
