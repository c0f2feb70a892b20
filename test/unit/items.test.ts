import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { account, profile } from '#contexts/accounts/items.ts';
import { ITEM_TYPES, kindOf } from '#contexts/items.ts';
import { outbox } from '#contexts/notifications/items.ts';
import { participant } from '#contexts/selection/items.ts';
import { application, wave } from '#contexts/waves/items.ts';
import { NotThisItem, pick, pickAll } from '#platform/store/item.ts';

// The declarations are the table's only statement of its key formats: the README's item
// table must say the same, and no two declarations may claim one item.
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const table = readme.slice(readme.indexOf('| item | PK | SK | notes |'));
const lines = table.split('\n').slice(2);
const rows = lines
  .slice(
    0,
    lines.findIndex((line) => !line.startsWith('|')),
  )
  .map((line) => line.split('|').slice(2, 4));
/** A key format with its placeholders unnamed: `ACCOUNT#<id>` and `ACCOUNT#<accountId>` agree. */
const shape = (format: string) => format.replace(/<[^>]*>|…/g, '<>');
const formats = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => shape(m[1]!));

/** An item of `type`, its key parts filled with sample values. */
function sample(type: (typeof ITEM_TYPES)[number]) {
  const fill = (format: string) => format.replace(/<(\w+)>/g, (_, name) => `${name}-1`);
  return { PK: fill(type.format.PK), SK: fill(type.format.SK), type: type.type, some: 'value' };
}

describe('item declarations', () => {
  it.each(ITEM_TYPES.map((t) => [`${t.type} ${t.format.PK} ${t.format.SK}`, t] as const))(
    'README names the key of %s',
    (_, type) => {
      const row = rows.find(
        ([pk, sk]) =>
          formats(pk!).includes(shape(type.format.PK)) && formats(sk!).includes(shape(type.format.SK)),
      );
      expect(row, `${type.format.PK} / ${type.format.SK}`).toBeDefined();
    },
  );

  it('recognises each item as its own type and no other', () => {
    for (const type of ITEM_TYPES) {
      const item = sample(type);
      expect(ITEM_TYPES.filter((t) => t.matches(item))).toEqual([type]);
      expect(kindOf(item)).toBe(type);
    }
  });

  it('builds keys in the formats on disk', () => {
    expect(account.key({ accountId: 'a1' })).toEqual({ PK: 'ACCOUNT#a1', SK: 'ACCOUNT' });
    expect(application.key({ accountId: 'a1', waveId: 'w1' })).toEqual({
      PK: 'ACCOUNT#a1',
      SK: 'APPLICATION#w1',
    });
    expect(outbox.key({ to: 'x@example.com', sentAt: '2026-01-01T00:00:00.000Z', id: 'u' })).toEqual({
      PK: 'OUTBOX#x@example.com',
      SK: '2026-01-01T00:00:00.000Z#u',
    });
  });

  it('writes the key, the tag and the index keys with the value', () => {
    const w = { waveId: 'w1', opensAt: '2026-01-01T00:00:00.000Z', name: 'Gelombang 1' };
    expect(wave.item(w as never)).toEqual({
      PK: 'WAVE#w1',
      SK: 'WAVE',
      type: 'Wave',
      GSI1PK: 'WAVES',
      GSI1SK: '2026-01-01T00:00:00.000Z#w1',
      ...w,
    });
  });

  it('parses an item into its value, without the keys and the tag', () => {
    const stored = { ...participant.key({ accountId: 'a1' }), type: 'Participant', GSI1PK: 'x', GSI1SK: 'y' };
    expect(participant.parse({ ...stored, accountId: 'a1', balanceIdr: 5 })).toEqual({
      accountId: 'a1',
      balanceIdr: 5,
    });
    expect(participant.parse(undefined)).toBeUndefined();
  });

  it('refuses an item of another type', () => {
    const profileItem = { ...profile.key({ accountId: 'a1' }), type: 'Profile' };
    expect(() => account.parse(profileItem)).toThrow(NotThisItem);
    // The right key with another tag is not this item either.
    expect(() => account.parse({ ...account.key({ accountId: 'a1' }), type: 'Profile' })).toThrow(
      NotThisItem,
    );
  });

  it('picks items of a partition by declaration, and reads key parts back', () => {
    const items = [
      { ...account.key({ accountId: 'a1' }), type: 'Account', accountId: 'a1' },
      { ...application.key({ accountId: 'a1', waveId: 'w1' }), type: 'Application', waveId: 'w1' },
      { ...application.key({ accountId: 'a1', waveId: 'w2' }), type: 'Application', waveId: 'w2' },
    ];
    expect(pick(items, account)).toEqual({ accountId: 'a1' });
    expect(pick(items, profile)).toBeUndefined();
    expect(pickAll(items, application).map((a) => a.waveId)).toEqual(['w1', 'w2']);
    expect(application.partsOf(items[2]!)).toEqual({ accountId: 'a1', waveId: 'w2' });
    expect(application.partition({ accountId: 'a1' })).toEqual({
      PK: 'ACCOUNT#a1',
      SKPrefix: 'APPLICATION#',
    });
  });
});
