import { describe, expect, it } from 'vitest';
import { newInvocation } from '#platform/observability.ts';
import { itemBytes, recordCapacity, recordRefusedWrite } from '#platform/store/capacity.ts';

// Capacity as DynamoDB bills it, from what DynamoDB Local reports (probed on its
// 2026-05-28 release: a transaction is reported as twice its largest item).
describe('billed capacity', () => {
  it('sizes items as DynamoDB does, in wire form or plain', () => {
    expect(itemBytes({ PK: 'ab', n: 12345 })).toBe(2 + 2 + 1 + 4);
    expect(itemBytes({ PK: { S: 'ab' }, n: { N: '12345' } })).toBe(itemBytes({ PK: 'ab', n: 12345 }));
    expect(itemBytes({ PK: 'x'.repeat(2000) })).toBe(2002);
  });

  it('bills every item of a transaction twice, per KB, plus its index writes once', () => {
    const inv = newInvocation();
    const small = { Put: { Item: { PK: 'a', SK: 'b' } } };
    const big = { Put: { Item: { PK: 'a', SK: 'x'.repeat(2500) } } };
    const update = { Update: {} };
    recordCapacity(
      'TransactWriteItemsCommand',
      [
        {
          CapacityUnits: 7,
          Table: { CapacityUnits: 6 },
          GlobalSecondaryIndexes: { GSI1: { CapacityUnits: 1 } },
        },
      ],
      { TransactItems: [small, big, update, small, small] },
      inv,
    );
    expect(inv.write).toBe(7); // the engine's own figure, kept as reported
    expect(inv.billedWrite).toBe(2 + 6 + 2 + 2 + 2 + 1);
  });

  it("keeps the engine's figure for other calls, and never bills a transaction below it", () => {
    const inv = newInvocation();
    recordCapacity('PutItemCommand', { CapacityUnits: 2, Table: { CapacityUnits: 1 } }, {}, inv);
    recordCapacity('QueryCommand', { CapacityUnits: 1.5 }, {}, inv);
    recordCapacity(
      'TransactWriteItemsCommand',
      [{ CapacityUnits: 8, Table: { CapacityUnits: 8 } }],
      { TransactItems: [{ Update: {} }] },
      inv,
    );
    expect(inv.billedWrite).toBe(2 + 8);
    expect(inv.billedRead).toBe(1.5);
  });

  it('bills absent keys their minimum and refused single writes one unit', () => {
    const inv = newInvocation();
    const keys = (n: number) => Array.from({ length: n }, (_, i) => ({ PK: `k${i}` }));
    recordCapacity(
      'BatchGetItemCommand',
      [{ CapacityUnits: 1 }],
      { RequestItems: { t: { Keys: keys(9) } } },
      inv,
    );
    recordCapacity('GetItemCommand', { CapacityUnits: 0 }, { ConsistentRead: true }, inv);
    expect(inv.billedRead).toBe(4.5 + 1);
    expect(inv.read).toBe(1);
    recordRefusedWrite('UpdateItemCommand', inv);
    recordRefusedWrite('QueryCommand', inv);
    expect(inv.billedWrite).toBe(1);
  });
});
