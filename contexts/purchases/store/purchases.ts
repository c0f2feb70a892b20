import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  GetCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { MAX_CODE_ATTEMPTS } from '#contexts/accounts/rules/verification.ts';
import { AccountInactive, activeAccountCheck } from '#contexts/accounts/store/accounts.ts';
import { type Course, course as courseItem } from '#contexts/catalog/items.ts';
import { ledgerPut } from '#contexts/ledger/store/ledger.ts';
import { outboxPut } from '#contexts/notifications/store/outbox.ts';
import { partner as partnerItem } from '#contexts/partners/items.ts';
import {
  accountPurchasesPartition,
  incentive as incentiveItem,
  type Purchase,
  purchase as purchaseItem,
  purchasesPartition,
  surveyAnswers,
  voucher,
} from '#contexts/purchases/items.ts';
import {
  newVoucherCode,
  type PurchaseStatus,
  type ScheduledIncentive,
} from '#contexts/purchases/rules/purchases.ts';
import { card, type ParticipantItem, participant as participantItem } from '#contexts/selection/items.ts';
import { getMany } from '#platform/store/batch.ts';
import { db, tableName } from '#platform/store/client.ts';
import { InvalidCursor } from '#platform/store/cursor.ts';
import type { Key, RawItem } from '#platform/store/item.ts';
import { pages, queryAll } from '#platform/store/paginate.ts';
import { ConditionFailed, labelled, type TransactItem, transact } from '#platform/store/transact.ts';

const purchaseKey = (purchaseId: string) => purchaseItem.key({ purchaseId });
const participantKey = (accountId: string) => participantItem.key({ accountId });

export async function cardHolder(cardNumber: string): Promise<ParticipantItem | undefined> {
  const out = await db().send(new GetCommand({ TableName: tableName(), Key: card.key({ cardNumber }) }));
  const marker = card.parse(out.Item);
  return marker ? participantOf(marker.accountId) : undefined;
}

/**
 * A purchase's two starting points: the card's holder and the platform's course. The
 * card marker and the course in one BatchGet (eventually consistent, as a Get of each
 * was), then the holder's participant item, read consistently.
 */
export async function cardHolderAndCourse(
  cardNumber: string,
  partnerId: string,
  courseId: string,
): Promise<{ participant?: ParticipantItem; course?: Course }> {
  let keys: Record<string, unknown>[] | undefined = [
    card.key({ cardNumber }),
    courseItem.key({ partnerId, courseId }),
  ];
  const found: RawItem[] = [];
  for (let attempt = 0; keys?.length; attempt++) {
    if (attempt) await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** attempt));
    const out: BatchGetCommandOutput = await db().send(
      new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: keys } } }),
    );
    found.push(...(out.Responses?.[tableName()] ?? []));
    keys = out.UnprocessedKeys?.[tableName()]?.Keys;
  }
  const marker = found.find((i) => card.matches(i));
  const course = found.find((i) => courseItem.matches(i));
  return {
    participant: marker ? await participantOf(card.parse(marker).accountId) : undefined,
    course: course ? courseItem.parse(course) : undefined,
  };
}

export async function participantOf(accountId: string): Promise<ParticipantItem | undefined> {
  const out = await db().send(
    new GetCommand({ TableName: tableName(), Key: participantKey(accountId), ConsistentRead: true }),
  );
  return participantItem.parse(out.Item);
}

export async function getPurchase(purchaseId: string): Promise<Purchase | undefined> {
  const out = await db().send(
    new GetCommand({ TableName: tableName(), Key: purchaseKey(purchaseId), ConsistentRead: true }),
  );
  return purchaseItem.parse(out.Item);
}

/** A purchase waiting for the participant's code, and the SMS that carries it. */
export async function insertPurchase(
  purchase: Purchase,
  phone: string,
  code: string,
  now: Date,
  more: TransactItem[] = [],
): Promise<void> {
  await transact([
    {
      Put: {
        TableName: tableName(),
        Item: purchaseItem.item(purchase),
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
    outboxPut(
      { to: phone, channel: 'sms', template: 'purchase-otp', code, data: { priceIdr: purchase.priceIdr } },
      now,
    ),
    ...more,
  ]);
}

/**
 * Consumes one of the code's tries for a wrong guess, on condition one is left and the
 * purchase still waits for it, so concurrent guesses stop at exactly MAX_CODE_ATTEMPTS
 * and a guess that lost to the right code is told so (never an update on a removed code).
 */
export async function countWrongOtp(
  purchaseId: string,
  /** More items for the same write (the refusal's Idempotency-Key record): a transaction. */
  more: TransactItem[] = [],
): Promise<'counted' | 'locked' | 'not-pending'> {
  const count = {
    TableName: tableName(),
    Key: purchaseKey(purchaseId),
    UpdateExpression: 'SET otp.attempts = otp.attempts + :one',
    ConditionExpression: '#status = :pending AND otp.attempts < :max',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':one': 1, ':pending': 'PENDING_OTP', ':max': MAX_CODE_ATTEMPTS },
  };
  try {
    if (more.length) await transact([{ Update: count }, ...more]);
    else await db().send(new UpdateCommand(count));
    return 'counted';
  } catch (error) {
    if (!(error instanceof ConditionFailed) && (error as Error).name !== 'ConditionalCheckFailedException')
      throw error;
    return (await getPurchase(purchaseId))?.status === 'PENDING_OTP' ? 'locked' : 'not-pending';
  }
}

export type ConfirmRefusal =
  | 'not-pending'
  | 'code-locked'
  | 'insufficient-balance'
  | 'previous-course-not-completed'
  | 'participation-revoked';

/**
 * PENDING_OTP -> PAID: the purchase, the participant's balance (on condition it covers
 * the price and no other course is open), the ledger entry and the voucher, all at
 * once. Whatever runs concurrently, the balance is debited once and never below zero;
 * the code must still be the one judged, with tries left (wrong guesses may have locked it
 * since it was read).
 */
export async function confirmPurchase(
  purchase: Purchase,
  now: Date,
  /** More items for the transaction, given what it would answer (an Idempotency-Key record). */
  more: (paid: { voucherCode: string; balanceAfterIdr: number }) => TransactItem[] = () => [],
): Promise<{ voucherCode: string; balanceAfterIdr: number } | ConfirmRefusal> {
  const at = now.toISOString();
  for (let attempt = 0; attempt < 5; attempt++) {
    const participant = await participantOf(purchase.accountId);
    if (!participant) return 'participation-revoked';
    const balanceAfterIdr = participant.balanceIdr - purchase.priceIdr;
    const voucherCode = newVoucherCode();
    const items: TransactItem[] = [
      labelled('not-pending', {
        Update: {
          TableName: tableName(),
          Key: purchaseKey(purchase.purchaseId),
          UpdateExpression: 'SET #status = :paid, voucherCode = :voucher, paidAt = :at REMOVE otp',
          ConditionExpression: '#status = :pending AND otp.#hash = :hash AND otp.attempts < :max',
          ExpressionAttributeNames: { '#status': 'status', '#hash': 'hash' },
          ExpressionAttributeValues: {
            ':paid': 'PAID',
            ':pending': 'PENDING_OTP',
            ':hash': purchase.otp?.hash ?? '',
            ':max': MAX_CODE_ATTEMPTS,
            ':voucher': voucherCode,
            ':at': at,
          },
        },
      }),
      {
        Update: {
          TableName: tableName(),
          Key: participantKey(purchase.accountId),
          // The first purchase also leaves the deadline index (the sweep no longer sees it).
          UpdateExpression:
            'SET balanceIdr = :after, activePurchase = :id, firstPurchaseAt = if_not_exists(firstPurchaseAt, :at) REMOVE GSI1PK, GSI1SK',
          ConditionExpression:
            '#status = :active AND balanceIdr = :before AND balanceIdr >= :price AND attribute_not_exists(activePurchase)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':after': balanceAfterIdr,
            ':before': participant.balanceIdr,
            ':price': purchase.priceIdr,
            ':id': purchase.purchaseId,
            ':active': 'ACTIVE',
            ':at': at,
          },
        },
      },
      ledgerPut({
        accountId: purchase.accountId,
        entryId: `${at}#purchase#${purchase.purchaseId}`,
        kind: 'purchase',
        amountIdr: -purchase.priceIdr,
        balanceAfterIdr,
        counterparty: `partner:${purchase.partnerId}`,
        at,
      }),
      labelled('voucher-taken', {
        Put: {
          TableName: tableName(),
          Item: voucher.item(
            {
              purchaseId: purchase.purchaseId,
              partnerId: purchase.partnerId,
              institutionId: purchase.institution.id,
            },
            { code: voucherCode },
          ),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      }),
      ...more({ voucherCode, balanceAfterIdr }),
    ];
    try {
      await transact(items);
      return { voucherCode, balanceAfterIdr };
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      if (error.label === 'not-pending')
        return (await getPurchase(purchase.purchaseId))?.status === 'PENDING_OTP'
          ? 'code-locked'
          : 'not-pending';
      if (error.label === 'voucher-taken') continue; // another code
      const fresh = await participantOf(purchase.accountId);
      if (fresh?.status !== 'ACTIVE') return 'participation-revoked';
      if (fresh.activePurchase) return 'previous-course-not-completed';
      if (fresh.balanceIdr < purchase.priceIdr) return 'insufficient-balance';
      // The balance moved between our read and our write (a refund): read it again.
    }
  }
  throw new Error('confirmation kept conflicting');
}

/** The purchase a voucher code belongs to, with its platform and institution. */
export async function voucherOwner(
  code: string,
): Promise<{ purchaseId: string; partnerId: string; institutionId: string } | undefined> {
  const out = await db().send(new GetCommand({ TableName: tableName(), Key: voucher.key({ code }) }));
  const owner = voucher.parse(out.Item);
  if (!owner) return undefined;
  // Vouchers issued before the marker carried the platform: read it from the purchase.
  const partnerId = owner.partnerId ?? (await getPurchase(owner.purchaseId))?.partnerId ?? '';
  return { purchaseId: owner.purchaseId, partnerId, institutionId: owner.institutionId };
}

/** Moves a purchase from `from` to `to`, with more items in the same transaction; false
 *  when it was no longer in `from`. */
async function move(
  purchaseId: string,
  from: PurchaseStatus,
  to: PurchaseStatus,
  set: Record<string, unknown>,
  more: TransactItem[] = [],
): Promise<boolean> {
  const names = Object.keys(set);
  try {
    await transact([
      labelled('purchase-moved', {
        Update: {
          TableName: tableName(),
          Key: purchaseKey(purchaseId),
          UpdateExpression: `SET #status = :to${names.map((n) => `, ${n} = :${n}`).join('')}`,
          ConditionExpression: '#status = :from',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':to': to,
            ':from': from,
            ...Object.fromEntries(names.map((n) => [`:${n}`, set[n]])),
          },
        },
      }),
      ...more,
    ]);
    return true;
  } catch (error) {
    if (error instanceof ConditionFailed && error.label === 'purchase-moved') return false;
    throw error;
  }
}

/**
 * PAID -> REDEEMED, on condition the voucher code is this purchase's (a check in the same
 * transaction, not a read before it). 'voucher-mismatch' when the code is not (unknown or
 * another purchase's: the caller tells which), 'not-paid' when the purchase moved.
 */
export async function redeemPurchase(
  p: Purchase,
  voucherCode: string,
  now: Date,
  more: TransactItem[] = [],
): Promise<'redeemed' | 'voucher-mismatch' | 'not-paid'> {
  const voucherIsThis = labelled('voucher-mismatch', {
    ConditionCheck: {
      TableName: tableName(),
      Key: voucher.key({ code: voucherCode }),
      ConditionExpression: 'purchaseId = :id',
      ExpressionAttributeValues: { ':id': p.purchaseId },
    },
  });
  try {
    const moved = await move(p.purchaseId, 'PAID', 'REDEEMED', { redeemedAt: now.toISOString() }, [
      voucherIsThis,
      ...more,
    ]);
    return moved ? 'redeemed' : 'not-paid';
  } catch (error) {
    if (error instanceof ConditionFailed && error.label === 'voucher-mismatch') return 'voucher-mismatch';
    throw error;
  }
}

/** Before redemption: a paid purchase is cancelled with its balance restored (ledger
 *  entry, the participant free to buy again); a pending one simply ends. */
export async function cancelPurchase(p: Purchase, now: Date, more: TransactItem[] = []): Promise<boolean> {
  const at = now.toISOString();
  if (p.status === 'PENDING_OTP')
    return move(p.purchaseId, 'PENDING_OTP', 'CANCELLED', { cancelledAt: at }, more);
  for (let attempt = 0; attempt < 5; attempt++) {
    const participant = await participantOf(p.accountId);
    if (!participant) return false;
    const balanceAfterIdr = participant.balanceIdr + p.priceIdr;
    try {
      return await move(p.purchaseId, 'PAID', 'CANCELLED', { cancelledAt: at }, [
        {
          Update: {
            TableName: tableName(),
            Key: participantKey(p.accountId),
            UpdateExpression: 'SET balanceIdr = :after REMOVE activePurchase',
            ConditionExpression: 'balanceIdr = :before AND activePurchase = :id',
            ExpressionAttributeValues: {
              ':after': balanceAfterIdr,
              ':before': participant.balanceIdr,
              ':id': p.purchaseId,
            },
          },
        },
        ledgerPut({
          accountId: p.accountId,
          entryId: `${at}#purchase-refund#${p.purchaseId}`,
          kind: 'purchase-refund',
          amountIdr: p.priceIdr,
          balanceAfterIdr,
          counterparty: `partner:${p.partnerId}`,
          at,
        }),
        ...more,
      ]);
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error; // the balance moved: read again
    }
  }
  throw new Error('cancellation kept conflicting');
}

/** REDEEMED -> COMPLETED: the participant may buy the next course. */
export const completePurchase = (
  p: Purchase,
  completedAt: string,
  certificateNumber: string,
  now: Date,
  more: TransactItem[] = [],
) =>
  move(
    p.purchaseId,
    'REDEEMED',
    'COMPLETED',
    { completedAt, certificateNumber, reportedAt: now.toISOString() },
    [
      {
        Update: {
          TableName: tableName(),
          Key: participantKey(p.accountId),
          UpdateExpression: 'REMOVE activePurchase ADD completedCourses :one',
          ConditionExpression: 'activePurchase = :id',
          ExpressionAttributeValues: { ':id': p.purchaseId, ':one': 1 },
        },
      },
      ...more,
    ],
  );

/**
 * The participant's review of a completed course. The first review schedules the
 * scheme's incentives, once: a flag on the participant is set on condition it is absent,
 * in the same transaction as the incentives and the review. Throws AccountInactive when
 * the reviewer's account is gone or disabled.
 */
export async function reviewPurchase(
  p: Purchase,
  review: { rating: number; comment: string },
  incentives: ScheduledIncentive[],
  now: Date,
  more: TransactItem[] = [],
): Promise<'reviewed' | 'not-completed' | 'already-reviewed'> {
  const at = now.toISOString();
  for (let attempt = 0; attempt < 3; attempt++) {
    const participant = await participantOf(p.accountId);
    const schedule = participant !== undefined && !participant.incentivesScheduledAt;
    const scheduling: TransactItem[] = schedule
      ? [
          {
            Update: {
              TableName: tableName(),
              Key: participantKey(p.accountId),
              UpdateExpression: 'SET incentivesScheduledAt = :at',
              ConditionExpression: 'attribute_not_exists(incentivesScheduledAt)',
              ExpressionAttributeValues: { ':at': at },
            },
          },
          ...incentives.map(
            (i): TransactItem => ({
              Put: {
                TableName: tableName(),
                Item: incentiveItem.item({
                  accountId: p.accountId,
                  ...i,
                  status: 'SCHEDULED',
                  scheduledAt: at,
                  purchaseId: p.purchaseId,
                }),
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            }),
          ),
        ]
      : [];
    try {
      await transact([
        labelled('not-reviewable', {
          Update: {
            TableName: tableName(),
            Key: purchaseKey(p.purchaseId),
            UpdateExpression: 'SET reviewedAt = :at, rating = :rating, reviewComment = :comment',
            ConditionExpression: '#status = :completed AND attribute_not_exists(reviewedAt)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':at': at,
              ':rating': review.rating,
              ':comment': review.comment,
              ':completed': 'COMPLETED',
            },
          },
        }),
        ...scheduling,
        // The reviewer's account must still be active (a deleted account's token writes nothing).
        activeAccountCheck(p.accountId, now),
        ...more,
      ]);
      return 'reviewed';
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      if (error.label === 'account-inactive') throw new AccountInactive();
      if (error.label === 'not-reviewable') {
        const fresh = await getPurchase(p.purchaseId);
        return fresh?.status === 'COMPLETED' ? 'already-reviewed' : 'not-completed';
      }
      // Incentives were scheduled meanwhile by another review: go again without them.
    }
  }
  throw new Error('review kept conflicting');
}

export async function incentivesOf(accountId: string) {
  const { PK, SKPrefix } = incentiveItem.partition({ accountId });
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :i)',
    ExpressionAttributeValues: { ':pk': PK, ':i': SKPrefix },
  });
  return items.map((i) => {
    const { kind, amountIdr, dueDate, status } = incentiveItem.parse(i);
    return { kind, amountIdr, dueDate, status };
  });
}

/** Every purchase of one platform, page by page (for the PMO's reports). */
export async function* purchasesOf(partnerId: string): AsyncGenerator<Purchase[]> {
  const query = {
    IndexName: 'GSI1',
    KeyConditionExpression: 'GSI1PK = :pk',
    ExpressionAttributeValues: { ':pk': purchasesPartition(partnerId) },
  };
  for await (const page of pages(query)) yield (page.Items ?? []).map((i) => purchaseItem.parse(i));
}

/** A survey's answers and its incentive, once: both on condition they are absent, and
 *  the account still active. Throws AccountInactive. */
export async function recordSurvey(
  accountId: string,
  incentive: ScheduledIncentive,
  answers: Record<string, unknown>,
  now: Date,
  more: TransactItem[] = [],
): Promise<boolean> {
  const at = now.toISOString();
  try {
    await transact([
      {
        Put: {
          TableName: tableName(),
          Item: surveyAnswers.item({ answers, at }, { accountId, n: incentive.n }),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      {
        Put: {
          TableName: tableName(),
          Item: incentiveItem.item({ accountId, ...incentive, status: 'SCHEDULED', scheduledAt: at }),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      activeAccountCheck(accountId, now),
      ...more,
    ]);
    return true;
  } catch (error) {
    if (error instanceof ConditionFailed && error.label === 'account-inactive') throw new AccountInactive();
    if (error instanceof ConditionFailed) return false;
    throw error;
  }
}

/**
 * A page of the participant's own purchases, newest first: one Query of their partition
 * of GSI2 (`ACCOUNT-PURCHASES#<accountId>`, written with the purchase itself, full items
 * projected). Like every index read it is eventually consistent: a move made a moment
 * ago may show a moment later. `start` is where the previous page stopped.
 */
export async function ownPurchasesPage(
  accountId: string,
  start: Record<string, unknown> | undefined,
  limit: number,
): Promise<{ items: Purchase[]; next: Record<string, unknown> | undefined }> {
  const pk = accountPurchasesPartition(accountId);
  // A sealed cursor is only ever this list's; this keeps the Query in the partition anyway.
  if (start && start.GSI2PK !== pk) throw new InvalidCursor();
  const out = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'GSI2',
      KeyConditionExpression: 'GSI2PK = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ScanIndexForward: false,
      Limit: limit,
      ExclusiveStartKey: start,
    }),
  );
  return { items: (out.Items ?? []).map((i) => purchaseItem.parse(i)), next: out.LastEvaluatedKey };
}

/** The platforms that sold `purchases` (code and name), and the titles of the courses of
 *  those that do not carry their own: one BatchGet for a page (100 keys a request). */
export async function sellersOf(purchases: Purchase[]): Promise<{
  platforms: Map<string, { code: string; name: string }>;
  courseTitles: Map<string, string>;
}> {
  const keys = new Map<string, Key>();
  for (const p of purchases) {
    keys.set(`P:${p.partnerId}`, partnerItem.key({ partnerId: p.partnerId }));
    if (p.courseTitle === undefined)
      keys.set(
        `C:${p.partnerId}#${p.courseId}`,
        courseItem.key({ partnerId: p.partnerId, courseId: p.courseId }),
      );
  }
  const platforms = new Map<string, { code: string; name: string }>();
  const courseTitles = new Map<string, string>();
  for (const raw of keys.size ? await getMany([...keys.values()]) : []) {
    if (partnerItem.matches(raw)) {
      const { partnerId, code, name } = partnerItem.parse(raw);
      platforms.set(partnerId, { code, name });
    } else if (courseItem.matches(raw)) {
      const { partnerId, courseId, title } = courseItem.parse(raw);
      courseTitles.set(`${partnerId}#${courseId}`, title);
    }
  }
  return { platforms, courseTitles };
}

/** The surveys the participant has answered, with when: their `SURVEY#<n>` items (the
 *  answers are not read back out). */
export async function answeredSurveys(accountId: string): Promise<{ n: number; at: string }[]> {
  const { PK, SKPrefix } = surveyAnswers.partition({ accountId });
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :s)',
    ExpressionAttributeValues: { ':pk': PK, ':s': SKPrefix },
    ProjectionExpression: 'PK, SK, #type, #at',
    ExpressionAttributeNames: { '#type': 'type', '#at': 'at' },
  });
  return items.map((i) => ({ n: Number(surveyAnswers.partsOf(i).n), at: surveyAnswers.parse(i).at }));
}
