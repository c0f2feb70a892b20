import { describe, expect, it } from 'vitest';
import { routes } from '#shared/contracts/routes.ts';
import { secrets } from '#shared/secrets.ts';
import {
  AccessDenied,
  environmentFor,
  mergeUses,
  requireTable,
  routeUses,
  runWithUses,
} from '#shared/uses.ts';

// The local stack enforces each function's declared uses as IAM would on AWS.
describe('declared uses', () => {
  it('refuses a write under read access, and any table call without table access', async () => {
    await expect(runWithUses({ table: 'read' }, async () => requireTable('PutItemCommand'))).rejects.toThrow(
      AccessDenied,
    );
    await expect(
      runWithUses({ table: 'read' }, async () => requireTable('TransactWriteItemsCommand')),
    ).rejects.toThrow(AccessDenied);
    await expect(runWithUses({}, async () => requireTable('QueryCommand'))).rejects.toThrow(AccessDenied);
    await expect(
      runWithUses({ table: 'read' }, async () => requireTable('QueryCommand')),
    ).resolves.toBeUndefined();
    await expect(
      runWithUses({ table: 'write' }, async () => requireTable('PutItemCommand')),
    ).resolves.toBeUndefined();
  });

  it('refuses the key material to a function that did not declare it', async () => {
    await expect(runWithUses({ table: 'write' }, async () => secrets())).rejects.toThrow(AccessDenied);
  });

  it('adds what the HTTP layer does: a signed partner GET writes, a token reads the key material', () => {
    for (const route of routes) {
      const uses = routeUses(route);
      if (route.access === 'platform' || route.access === 'payment')
        expect(uses.table, route.operationId).toBe('write');
      if (route.access !== 'public') expect(uses.secrets, route.operationId).toBe(true);
      if (route.idempotent) expect(uses.table, route.operationId).toBe('write');
    }
  });

  it('merges to the strongest access of each kind', () => {
    expect(
      mergeUses(
        { table: 'read', workflows: { selection: 'read' } },
        { table: 'write', workflows: { selection: 'start' } },
        { sms: true },
      ),
    ).toEqual({ table: 'write', workflows: { selection: 'start' }, sms: true });
  });

  it('merges the queues sent to, and names each one in the environment', () => {
    const uses = mergeUses({ queues: { 'payouts-bni': 'send' } }, { queues: { 'payouts-gopay': 'send' } });
    expect(uses).toEqual({ queues: { 'payouts-bni': 'send', 'payouts-gopay': 'send' } });
    const values = { tableName: '', secretsArn: '', stateMachineArn: () => '', emailFrom: '' };
    expect(environmentFor(uses, { ...values, queueUrl: (name) => `url:${name}` })).toEqual({
      PAYOUTS_BNI_QUEUE_URL: 'url:payouts-bni',
      PAYOUTS_GOPAY_QUEUE_URL: 'url:payouts-gopay',
    });
    expect(() => environmentFor(uses, values)).toThrow(/no queue URLs/);
  });
});
