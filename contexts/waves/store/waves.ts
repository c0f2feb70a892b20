import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AccountInactive, activeAccountCheck } from '#contexts/accounts/store/accounts.ts';
import { lockNikItem } from '#contexts/accounts/store/profiles.ts';
import { participant } from '#contexts/selection/items.ts';
import {
  APPLICANT_SHARDS,
  type Application,
  applicantsPartition,
  application as applicationItem,
  wave as waveItem,
  wavesPartition,
} from '#contexts/waves/items.ts';
import type { Wave } from '#contexts/waves/rules/waves.ts';
import { db, tableName } from '#platform/store/client.ts';
import { IndexCursor, sealCursor, startOf } from '#platform/store/cursor.ts';
import { countAll } from '#platform/store/paginate.ts';
import { ConditionFailed, labelled, type TransactItem, transact } from '#platform/store/transact.ts';

// Waves are few: one item each, listed through GSI1 in one partition by opening time.
// Applications are many and arrive in a rush (80,000 a minute at wave 1's peak), so
// nothing on the join path touches a shared item: an application lives in the
// citizen's own partition, and the wave's applicant index (GSI2) is spread over
// APPLICANT_SHARDS partitions. For the same reason the wave keeps no applicant counter
// (one hot item taking every join); counts are derived from the shards when asked.
export { APPLICANT_SHARDS };

/** The wave, with `before` (e.g. the quota pool's shards it draws on) in one transaction. */
export async function insertWave(wave: Wave, before: TransactItem[] = []): Promise<void> {
  await transact([
    ...before,
    {
      Put: {
        TableName: tableName(),
        Item: waveItem.item(wave),
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
  ]);
}

export async function getWave(waveId: string): Promise<Wave | undefined> {
  const out = await db().send(new GetCommand({ TableName: tableName(), Key: waveItem.key({ waveId }) }));
  return waveItem.parse(out.Item);
}

export async function listWaves(
  limit: number,
  cursor?: string,
): Promise<{ waves: Wave[]; nextCursor: string | null }> {
  const start = await startOf('waves', cursor, IndexCursor);
  const out = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :waves',
      ExpressionAttributeValues: { ':waves': wavesPartition },
      Limit: limit,
      ExclusiveStartKey: start,
    }),
  );
  return {
    waves: (out.Items ?? []).map((i) => waveItem.parse(i)),
    nextCursor: await sealCursor('waves', out.LastEvaluatedKey),
  };
}

const JOIN_REFUSALS = ['already-joined', 'already-participant', 'profile-incomplete'] as const;
const isJoinRefusal = (label: string | undefined): label is JoinRefused['reason'] =>
  (JOIN_REFUSALS as readonly (string | undefined)[]).includes(label);

/** The profile or its registry check changed since the join read them: read and plan again. */
export class JoinMoved extends Error {}

export class JoinRefused extends Error {
  constructor(readonly reason: 'already-joined' | 'already-participant' | 'profile-incomplete') {
    super(reason);
  }
}

/** The application, the check that the citizen is not yet a participant, the lock on
 *  the profile's NIK and the check that the account is still active: all or nothing, so
 *  concurrent joins (or a deleted account's token) cannot slip past any. `admitted`: the
 *  waiting room's admission, used in the same transaction (none while it is off).
 *  `seen.profileUpdatedAt` and `seen.check`: the profile as read, and the registry check's
 *  writes planned from it (contexts/registry/store/checks.ts `joinCheckWrites`); either
 *  moved meanwhile throws JoinMoved. */
export async function insertApplication(
  application: Application,
  admitted: TransactItem[] = [],
  seen: { profileUpdatedAt?: string; check?: TransactItem[] } = {},
): Promise<void> {
  const TableName = tableName();
  const { accountId } = application;
  try {
    await transact([
      labelled('already-joined', {
        Put: {
          TableName,
          Item: applicationItem.item(application),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      }),
      labelled('already-participant', {
        ConditionCheck: {
          TableName,
          Key: participant.key({ accountId }),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      }),
      lockNikItem(accountId, seen.profileUpdatedAt), // labelled 'profile-incomplete'
      activeAccountCheck(accountId, new Date(application.joinedAt)),
      ...admitted,
      ...(seen.check ?? []),
    ]);
  } catch (error) {
    if (!(error instanceof ConditionFailed)) throw error;
    if (error.label === 'check-moved' || (error.label === 'profile-incomplete' && error.item))
      throw new JoinMoved();
    if (error.label === 'account-inactive') throw new AccountInactive();
    if (isJoinRefusal(error.label)) throw new JoinRefused(error.label);
    throw error;
  }
}

/** Applicants of a wave, counted over its shards (Select COUNT reads keys only). */
export async function countApplicants(waveId: string): Promise<number> {
  const counts = await Promise.all(
    Array.from({ length: APPLICANT_SHARDS }, (_, shard) =>
      countAll({
        IndexName: 'GSI2',
        KeyConditionExpression: 'GSI2PK = :pk',
        ExpressionAttributeValues: { ':pk': applicantsPartition(waveId, shard) },
      }),
    ),
  );
  return counts.reduce((a, b) => a + b, 0);
}
