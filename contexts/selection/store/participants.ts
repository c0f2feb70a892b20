import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ledgerPut } from '#contexts/ledger/store/ledger.ts';
import { nikFlags } from '#contexts/lists/items.ts';
import { addFlagUpdate } from '#contexts/lists/store/lists.ts';
import { outboxPut } from '#contexts/notifications/store/outbox.ts';
import {
  card,
  DEADLINE_SHARDS,
  familyCard,
  type Outcome,
  outcome as outcomeItem,
  type Participant,
  participant as participantItem,
  purchaseDuePartition,
} from '#contexts/selection/items.ts';
import { KK_CAP, newCardNumber, type Pool } from '#contexts/selection/rules/draw.ts';
import type { ApplicationItem } from '#contexts/selection/store/applicants.ts';
import { poolReturn } from '#contexts/selection/store/quota-pool.ts';
import type { Wave } from '#contexts/waves/rules/waves.ts';
import { putMany } from '#platform/store/batch.ts';
import { db, tableName } from '#platform/store/client.ts';
import { ConditionFailed, labelled, type TransactItem, transact } from '#platform/store/transact.ts';

// Participants: issued by the selection's announce step, revoked by the deadline sweep.
// Each is one transaction whose conditions make it happen at most once, whatever
// retries and parallel segments do.

/** Participants who have not bought a first course sit in GSI1 by purchase deadline,
 *  16 shards; the first purchase removes them (the index is sparse). */
export { DEADLINE_SHARDS };

export type IssueResult = 'issued' | 'decided-before' | 'previous-participant' | 'kk-cap';

const DAY_MS = 86_400_000;

/** The outcome item of a decided applicant. */
export function outcomeOf(
  application: ApplicationItem,
  wave: Wave,
  decision: { outcome: 'SELECTED' | 'NOT_SELECTED'; pool: Pool; eligible: boolean; reason?: string },
  now: Date,
): Outcome {
  return {
    accountId: application.accountId,
    waveId: wave.waveId,
    ...decision,
    decidedAt: now.toISOString(),
    ...(decision.outcome === 'NOT_SELECTED'
      ? { notice: { to: application.email, waveName: wave.name } }
      : {}),
  };
}

const firstOutcome = (o: Outcome): TransactItem => ({
  Put: {
    TableName: tableName(),
    Item: outcomeItem.item(o),
    ConditionExpression: 'attribute_not_exists(PK)',
  },
});

/**
 * The writes that make a drawn applicant a participant, all or nothing: the outcome (on
 * condition nothing was decided), the participant with card and balance, the card marker,
 * the family count (at most 2 per KK), the NIK's participation marker, the balance's
 * ledger entry and the notifications. 8 items: 16 write units and 2 index writes.
 */
export function participantTransaction(
  application: ApplicationItem,
  wave: Wave,
  pool: Pool,
  now: Date,
  cardNumber: string,
): TransactItem[] {
  const TableName = tableName();
  const { accountId } = application;
  const selectedAt = now.toISOString();
  const purchaseDeadline = new Date(now.getTime() + wave.purchaseDeadlineDays * DAY_MS).toISOString();
  const balanceIdr = wave.scheme.trainingBalanceIdr;
  const participant: Participant = {
    accountId,
    waveId: wave.waveId,
    cardNumber,
    balanceIdr,
    status: 'ACTIVE',
    selectedAt,
    purchaseDeadline,
    nikHash: application.nikHash,
    email: application.email,
    phone: application.phone,
    pool,
  };
  const message = { waveName: wave.name, cardNumber, balanceIdr, purchaseDeadline };
  // The notices are named by the wave: a retry cannot make a second one. Results go out by
  // email, and by SMS only to the selected; the email asks them to verify the phone.
  const noticeId = `selection-selected#${wave.waveId}`;
  return [
    labelled(
      'decided-before',
      firstOutcome(outcomeOf(application, wave, { outcome: 'SELECTED', pool, eligible: true }, now)),
    ),
    labelled('previous-participant', {
      Put: {
        TableName,
        Item: participantItem.item(participant),
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    }),
    labelled('card-number-taken', {
      Put: {
        TableName,
        Item: card.item({ accountId }, { cardNumber }),
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    }),
    labelled('kk-cap', {
      Update: {
        TableName,
        Key: familyCard.key(application),
        UpdateExpression: 'ADD participants :one, members :member',
        ConditionExpression: 'attribute_not_exists(participants) OR participants < :cap',
        ExpressionAttributeValues: {
          ':one': 1,
          ':cap': KK_CAP,
          ':member': new Set([`${wave.waveId}#${accountId}`]),
        },
      },
    }),
    {
      // "Was a participant", on the NIK's flags item: set once, never overwritten.
      Update: {
        TableName,
        Key: nikFlags.key(application),
        UpdateExpression: 'SET #type = :type, participatedIn = :wave, participatedAt = :at',
        ConditionExpression: 'attribute_not_exists(participatedIn)',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':type': nikFlags.type, ':wave': wave.waveId, ':at': selectedAt },
      },
    },
    ledgerPut({
      accountId,
      entryId: `${selectedAt}#training-credit`,
      kind: 'training-credit',
      amountIdr: balanceIdr,
      balanceAfterIdr: balanceIdr,
      counterparty: 'treasury',
      at: selectedAt,
      waveId: wave.waveId,
    }),
    outboxPut(
      { to: application.phone, channel: 'sms', template: 'selection-selected', data: message },
      now,
      noticeId,
    ),
    outboxPut(
      { to: application.email, channel: 'email', template: 'selection-selected', data: message },
      now,
      noticeId,
    ),
  ];
}

/** Makes a drawn applicant a participant (`participantTransaction`), at most once. */
export async function issueParticipant(
  application: ApplicationItem,
  wave: Wave,
  pool: Pool,
  now: Date,
): Promise<IssueResult> {
  for (;;) {
    try {
      await transact(participantTransaction(application, wave, pool, now, newCardNumber()));
      return 'issued';
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      if (error.label === 'card-number-taken') continue; // draw another
      if (error.label === 'decided-before' || error.label === 'kk-cap') return error.label;
      return 'previous-participant';
    }
  }
}

/**
 * Applicants not drawn (or excluded), told so and free to join a later wave: one item
 * each, written in batches. Unconditional: the outcome follows from the seed and the
 * data, so a retried page writes the same decision again; the notice rides on the item
 * and is sent once, when the item is first inserted (the stream sender takes inserts).
 */
export async function writeNotSelected(outcomes: Outcome[], each?: (written: number) => void): Promise<void> {
  await putMany(
    outcomes.map((o) => outcomeItem.item(o)),
    { inFlight: 4, ...(each ? { each: (written) => each(written.length) } : {}) },
  );
}

/** One applicant not selected on condition that nothing was decided for it before (a
 *  drawn applicant its family or NIK refused at the last moment). */
export async function markNotSelected(decision: Outcome) {
  try {
    await db().send(new PutCommand(firstOutcome(decision).Put!));
    return 'not-selected' as const;
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    return 'decided-before' as const;
  }
}

/** Participants whose deadline has passed without a first purchase, one shard's page. */
export async function overdueParticipants(shard: number, now: Date, start?: Record<string, unknown>) {
  const out = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK < :now',
      ExpressionAttributeValues: { ':pk': purchaseDuePartition(shard), ':now': now.toISOString() },
      Limit: 200,
      ExclusiveStartKey: start,
    }),
  );
  return { items: (out.Items ?? []).map((i) => participantItem.parse(i)), next: out.LastEvaluatedKey };
}

/**
 * Revokes a participant who missed the deadline: status and balance, the ledger entry
 * returning the balance to the treasury, the NIK blocked, the place back in the pool.
 * Only while still ACTIVE, still unpurchased and with the balance read, so it happens
 * once however many sweeps run.
 */
export async function revokeParticipant(p: Participant, now: Date): Promise<boolean> {
  const TableName = tableName();
  const at = now.toISOString();
  try {
    await transact([
      {
        Update: {
          TableName,
          Key: participantItem.key(p),
          UpdateExpression:
            'SET #status = :revoked, balanceIdr = :zero, revokedAt = :at REMOVE GSI1PK, GSI1SK',
          ConditionExpression: '#status = :active AND attribute_exists(GSI1PK) AND balanceIdr = :balance',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':revoked': 'REVOKED',
            ':active': 'ACTIVE',
            ':zero': 0,
            ':at': at,
            ':balance': p.balanceIdr,
          },
        },
      },
      ledgerPut({
        accountId: p.accountId,
        entryId: `${at}#revocation`,
        kind: 'revocation',
        amountIdr: -p.balanceIdr,
        balanceAfterIdr: 0,
        counterparty: 'treasury',
        at,
        waveId: p.waveId,
      }),
      {
        Update: addFlagUpdate(p.nikHash, 'lists', 'blocked', {
          importedAt: at,
          batchId: 'purchase-deadline',
        }),
      },
      poolReturn(p.accountId, p.balanceIdr),
      outboxPut(
        {
          to: p.email,
          channel: 'email',
          template: 'participation-revoked',
          data: { cardNumber: p.cardNumber },
        },
        now,
      ),
    ]);
    return true;
  } catch (error) {
    if (error instanceof ConditionFailed) return false;
    throw error;
  }
}
