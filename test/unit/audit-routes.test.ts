import { describe, expect, it } from 'vitest';
import { auditViews } from '#contexts/audit/store/audit.ts';
import { ledgerEntry } from '#contexts/ledger/items.ts';
import { routes } from '#contexts/routes.ts';
import type { RouteContract } from '#platform/http/contract.ts';
import { routeUses } from '#platform/http/contract.ts';
import { auditRecord, hourOf } from '#platform/items.ts';

// Every administrator write is in the audit trail: a route added later (payout runs,
// approvals...) fails here until it declares what it records.
const administrative = routes.filter(
  (r) => r.method !== 'GET' && (r.access === 'admin' || r.access === 'approver' || r.access === 'staff'),
);
const label = (r: RouteContract) => `${r.method} ${r.path}`;
/** Field names that are personal data or secrets: never in an audit detail. */
const PERSONAL = /nik|kk|secret|password|accountnumber|phone|email|fullname|otp|code$/i;

describe('audited routes', () => {
  it('has administrator writes to check', () => {
    expect(administrative.length).toBeGreaterThanOrEqual(8);
  });

  it.each(administrative.map((r) => [label(r), r] as const))('%s declares its audit record', (_n, route) => {
    expect(route.audit, route.operationId).toBeDefined();
    expect(route.audit!.kind).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
    expect(route.audit!.subject).toMatch(/^(params|body|response)\.\w+/);
    // It writes the record: the function may put audit records.
    expect(routeUses(route).items?.auditRecord).toBe('put');
  });

  it.each(administrative.map((r) => [label(r), r] as const))('%s keeps no personal data', (_n, route) => {
    for (const [name, field] of Object.entries(route.audit?.detail ?? {})) {
      // A partner's code is its public name, not personal data.
      if (field === 'response.code') continue;
      expect(`${name} ${field}`).not.toMatch(PERSONAL);
    }
  });

  it('declares audit on writes only', () => {
    for (const route of routes.filter((r) => r.method === 'GET')) expect(route.audit).toBeUndefined();
  });
});

describe('audit index', () => {
  it('lists records and ledger entries in hour partitions (sharded), with their filter attributes', () => {
    const at = '2026-04-11T08:15:00.123Z';
    const record = auditRecord.item({
      id: 'r1',
      at,
      actor: 'admin-1',
      role: 'admin',
      kind: 'wave.created',
      subject: 'w1',
      detail: {},
    });
    expect(record).toMatchObject({
      GSI1PK: 'AUDIT#2026-04-11T08#03', // the shard of `r1` (audit-shards.test.ts)
      GSI1SK: `${at}#r1`,
      auditActor: 'admin-1',
      auditKind: 'wave.created',
    });
    const entry = {
      accountId: 'a1',
      entryId: `${at}#training-credit`,
      kind: 'training-credit' as const,
      amountIdr: 1_000_000,
      balanceAfterIdr: 1_000_000,
      counterparty: 'treasury',
      at,
      waveId: 'w1',
    };
    const ledger = ledgerEntry.item(entry);
    expect(ledger).toMatchObject({
      GSI1PK: expect.stringMatching(new RegExp(`^AUDIT#${hourOf(at)}#\\d\\d$`)),
      auditActor: 'system',
      auditKind: 'money.training-credit',
    });
    expect(String(ledger.GSI1SK).startsWith(`${at}#`)).toBe(true);
    // The filter attributes are the index's, not the value's.
    expect(ledgerEntry.parse(ledger)).toEqual(entry);
  });

  it('has a view for each audited item type, once', () => {
    const types = auditViews.map((v) => v.type.type);
    expect(new Set(types).size).toBe(types.length);
    expect(types).toEqual(expect.arrayContaining(['AuditRecord', 'LedgerEntry']));
  });
});
