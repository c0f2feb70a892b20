// What AWS would bill for a DynamoDB call, estimated from its input (and, for reads, its
// output): DynamoDB Local's own figures count a transaction of 5 items as 2 units. Write
// units: each item rounded up per KB, twice in a transaction, plus one write per GSI the
// item is in. Read units: eventually consistent half a unit per 4 KB (a missing item
// costs the minimum), consistent a whole one; a Query rounds up its items' sum.
import type { RawItem } from '#shared/store/item.ts';
import { TABLE } from '#shared/store/table.ts';

const GSI_KEYS = TABLE.indexes.map((i) => i.partitionKey);

/** An item's stored size in bytes: attribute names and values, as DynamoDB counts them. */
export function itemBytes(item: RawItem): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) bytes += Buffer.byteLength(name) + valueBytes(value);
  return bytes;
}

function valueBytes(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return Math.ceil(String(value).replace(/[-.]/g, '').length / 2) + 1;
  if (value instanceof Set) return [...value].reduce((n, v) => n + valueBytes(v), 0);
  if (Array.isArray(value)) return 3 + value.reduce((n, v) => n + 1 + valueBytes(v), 0);
  if (typeof value === 'object') return 3 + itemBytes(value as RawItem) + Object.keys(value).length;
  return 8;
}

const kb = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

/** Write units of putting `item` (no transaction): the item, and its entry in each GSI. */
export function putUnits(item: RawItem): number {
  const size = kb(itemBytes(item));
  return size + GSI_KEYS.filter((k) => item[k] !== undefined).length * size;
}

/** Write units of a transaction: twice each item's (an update is counted on its new
 *  attributes, at least 1 KB), once each index write. */
export function transactionUnits(
  items: { Put?: { Item?: RawItem }; Update?: unknown; ConditionCheck?: unknown; Delete?: unknown }[],
) {
  let units = 0;
  for (const t of items) {
    if (t.Put?.Item) {
      const size = kb(itemBytes(t.Put.Item));
      units += 2 * size + GSI_KEYS.filter((k) => t.Put!.Item![k] !== undefined).length * size;
    } else if (t.ConditionCheck) units += 2;
    else units += 2;
  }
  return units;
}

/** Read units of items read one by one (GetItem, BatchGetItem): `missing` absent keys cost the minimum. */
export function getUnits(items: RawItem[], missing: number, consistent: boolean): number {
  const per = consistent ? 1 : 0.5;
  return items.reduce((n, i) => n + per * Math.ceil(itemBytes(i) / 4096 || 1), 0) + missing * per;
}

/** Read units of a Query: the items' sizes summed, then rounded up per 4 KB. */
export function queryUnits(items: RawItem[], consistent: boolean): number {
  const bytes = items.reduce((n, i) => n + itemBytes(i), 0);
  return (consistent ? 1 : 0.5) * Math.max(1, Math.ceil(bytes / 4096));
}
