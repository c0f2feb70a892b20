import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { clock } from '#platform/clock.ts';
import { type AuditRecord, auditRecord } from '#platform/items.ts';
import { db, tableName } from '#platform/store/client.ts';
import type { TransactItem } from '#platform/store/transact.ts';

// Writing the audit trail: one record per action, in the action's own transaction
// (`auditPut`) or after it (`recordAudit`, the HTTP layer). Reading it: contexts' audit.

export type AuditEntry = Omit<AuditRecord, 'id' | 'at'> & { at?: string };

function record(entry: AuditEntry): AuditRecord {
  return { ...entry, id: randomUUID(), at: entry.at ?? clock.now().toISOString() };
}

/** The record's Put, for the transaction of the action it records. */
export function auditPut(entry: AuditEntry): TransactItem {
  return {
    Put: {
      TableName: tableName(),
      Item: auditRecord.item(record(entry)),
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}

/** Records an action on its own (after the action: the HTTP layer). */
export async function recordAudit(entry: AuditEntry): Promise<void> {
  const { Put } = auditPut(entry);
  await db().send(new PutCommand(Put!));
}
