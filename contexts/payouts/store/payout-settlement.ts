import { type PayoutInstruction, payoutEntry, payoutInstruction } from '#contexts/payouts/items.ts';
import { incentive, incentiveDueKeys } from '#contexts/purchases/items.ts';
import { tableName } from '#platform/store/client.ts';
import { ConditionFailed, labelled, type TransactItem, transact } from '#platform/store/transact.ts';

// Recording a partner's answer: the instruction, the incentive and (for a payment) the
// payout ledger entry in one transaction, on condition the instruction is still
// unsettled. A redelivered message, a retried call or a second dispatcher finds it
// settled and writes nothing: no incentive is recorded paid twice.

const incentiveKey = (i: PayoutInstruction) =>
  incentive.key({ accountId: i.accountId, kind: i.incentiveKind, n: i.incentiveN });

/** Labelled 'already': the instruction is no longer pending. */
function settleInstruction(i: PayoutInstruction, set: string, values: Record<string, unknown>): TransactItem {
  return labelled('already', {
    Update: {
      TableName: tableName(),
      Key: payoutInstruction.key(i),
      UpdateExpression: `SET #status = :to, settledAt = :at, ${set}`,
      ConditionExpression: '#status = :pending',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':pending': 'PENDING', ...values },
    },
  });
}

/** 'settled' now, or 'already' when another delivery recorded it first. */
export type Settled = 'settled' | 'already';

/** The instruction was pending but its incentive or payout entry was not as staging left
 *  them: never settled silently; the message fails and ends in the DLQ (alarmed). */
export class SettlementAnomaly extends Error {
  override name = 'SettlementAnomaly';
}

function settledOrAnomaly(error: unknown, i: PayoutInstruction): Settled {
  if (!(error instanceof ConditionFailed)) throw error;
  if (error.label === 'already') return 'already';
  throw new SettlementAnomaly(`instruction ${i.instructionId}: ${error.message}`);
}

export async function settlePaid(
  i: PayoutInstruction,
  paid: { partnerReference: string; paidAt: string; amountIdr: number },
  now: Date,
): Promise<Settled> {
  const at = now.toISOString();
  try {
    await transact([
      // partnerPaidAt: the partner's own time (its clock, its offset), which names the
      // settlement day reconciliation asks it for.
      settleInstruction(i, 'partnerReference = :ref, partnerPaidAt = :paidAt', {
        ':to': 'PAID',
        ':at': at,
        ':ref': paid.partnerReference,
        ':paidAt': paid.paidAt,
      }),
      {
        Update: {
          TableName: tableName(),
          Key: incentiveKey(i),
          UpdateExpression: 'SET #status = :paid, paidAt = :at',
          ConditionExpression: '#status = :staged AND instructionId = :iid',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':paid': 'PAID',
            ':staged': 'STAGED',
            ':iid': i.instructionId,
            ':at': at,
          },
        },
      },
      {
        Put: {
          TableName: tableName(),
          Item: payoutEntry.item({
            accountId: i.accountId,
            instructionId: i.instructionId,
            runId: i.runId,
            partnerCode: i.partnerCode,
            // What the partner says it moved (reconciliation flags a difference from ours).
            amountIdr: paid.amountIdr,
            partnerReference: paid.partnerReference,
            incentiveKind: i.incentiveKind,
            incentiveN: i.incentiveN,
            at,
          }),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    ]);
    return 'settled';
  } catch (error) {
    return settledOrAnomaly(error, i);
  }
}

/** Not paid (the partner refused, or had no record after every retry): the incentive
 *  returns to due for the next run. */
export async function settleFailed(i: PayoutInstruction, reason: string, now: Date): Promise<Settled> {
  const at = now.toISOString();
  try {
    const due = incentiveDueKeys({
      accountId: i.accountId,
      kind: i.incentiveKind,
      n: i.incentiveN,
      dueDate: i.dueDate,
    });
    await transact([
      settleInstruction(i, 'reason = :reason', { ':to': 'FAILED', ':at': at, ':reason': reason }),
      {
        Update: {
          TableName: tableName(),
          Key: incentiveKey(i),
          // Back in the due index under its own due date.
          UpdateExpression:
            'SET #status = :failed, failedReason = :reason, lastReference = :iid, lastPartner = :partner, GSI1PK = :pk, GSI1SK = :sk REMOVE runId, instructionId',
          ConditionExpression: '#status = :staged AND instructionId = :iid',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':failed': 'FAILED',
            ':staged': 'STAGED',
            ':iid': i.instructionId,
            ':reason': reason,
            ':partner': i.partnerCode,
            ':pk': due.GSI1PK,
            ':sk': due.GSI1SK,
          },
        },
      },
    ]);
    return 'settled';
  } catch (error) {
    return settledOrAnomaly(error, i);
  }
}

/** Never sent to the partner (its run was rejected or cancelled, or its partner is not
 *  LIVE): the instruction fails with `reason` and its incentive is due again as it was
 *  before staging (FAILED with its earlier reference, which the next run asks about
 *  before it pays, or SCHEDULED), its participant's payout account free to change. */
export async function handBackUnsent(i: PayoutInstruction, reason: string, now: Date): Promise<Settled> {
  const at = now.toISOString();
  const due = incentiveDueKeys({
    accountId: i.accountId,
    kind: i.incentiveKind,
    n: i.incentiveN,
    dueDate: i.dueDate,
  });
  try {
    await transact([
      settleInstruction(i, 'reason = :reason', { ':to': 'FAILED', ':at': at, ':reason': reason }),
      {
        Update: {
          TableName: tableName(),
          Key: incentiveKey(i),
          UpdateExpression: 'SET #status = :back, GSI1PK = :pk, GSI1SK = :sk REMOVE runId, instructionId',
          ConditionExpression: '#status = :staged AND instructionId = :iid',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':back': i.previous ? 'FAILED' : 'SCHEDULED',
            ':staged': 'STAGED',
            ':iid': i.instructionId,
            ':pk': due.GSI1PK,
            ':sk': due.GSI1SK,
          },
        },
      },
    ]);
    return 'settled';
  } catch (error) {
    return settledOrAnomaly(error, i);
  }
}
