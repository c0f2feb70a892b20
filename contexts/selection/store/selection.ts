import { GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  type SelectionCounts,
  type SelectionRecord,
  selection,
  selectionLock,
} from '#contexts/selection/items.ts';
import type { Cutoffs } from '#contexts/selection/rules/draw.ts';
import { wave } from '#contexts/waves/items.ts';
import { db, tableName } from '#platform/store/client.ts';
import { ConditionFailed, labelled, transact } from '#platform/store/transact.ts';

export class SelectionRefused extends Error {
  constructor(readonly reason: 'already-announced' | 'selection-exists' | 'selection-running') {
    super(reason);
  }
}

export async function getSelection(waveId: string): Promise<SelectionRecord | undefined> {
  const out = await db().send(
    new GetCommand({ TableName: tableName(), Key: selection.key({ waveId }), ConsistentRead: true }),
  );
  return selection.parse(out.Item);
}

/** The wave to SELECTING, the selection record and the lock: all or nothing. A failed
 *  selection may start again only with its own seed. */
export async function beginSelection(record: SelectionRecord): Promise<void> {
  const TableName = tableName();
  try {
    await transact([
      labelled('already-announced', {
        Update: {
          TableName,
          Key: wave.key(record),
          UpdateExpression: 'SET stage = :selecting',
          ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(stage) OR stage = :selecting)',
          ExpressionAttributeValues: { ':selecting': 'SELECTING' },
        },
      }),
      labelled('selection-exists', {
        Put: {
          TableName,
          Item: selection.item(record),
          ConditionExpression: 'attribute_not_exists(PK) OR (#status = :failed AND seed = :seed)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':failed': 'FAILED', ':seed': record.seed },
        },
      }),
      labelled('selection-running', {
        Put: {
          TableName,
          Item: selectionLock.item({ waveId: record.waveId, since: record.startedAt }, {}),
          ConditionExpression: 'attribute_not_exists(PK) OR waveId = :wave',
          ExpressionAttributeValues: { ':wave': record.waveId },
        },
      }),
    ]);
  } catch (error) {
    if (!(error instanceof ConditionFailed)) throw error;
    throw new SelectionRefused(error.label as SelectionRefused['reason']);
  }
}

export async function saveCutoffs(waveId: string, cutoffs: Cutoffs): Promise<void> {
  await transact([
    {
      Update: {
        TableName: tableName(),
        Key: selection.key({ waveId }),
        UpdateExpression: 'SET cutoffs = :cutoffs',
        ExpressionAttributeValues: { ':cutoffs': cutoffs },
      },
    },
  ]);
}

/** The wave is ANNOUNCED, the record holds the counts, the lock is released. */
export async function completeSelection(waveId: string, counts: SelectionCounts, now: Date): Promise<void> {
  const TableName = tableName();
  await transact([
    {
      Update: {
        TableName,
        Key: wave.key({ waveId }),
        UpdateExpression: 'SET stage = :announced',
        ExpressionAttributeValues: { ':announced': 'ANNOUNCED' },
      },
    },
    {
      Update: {
        TableName,
        Key: selection.key({ waveId }),
        UpdateExpression: 'SET #status = :succeeded, counts = :counts, finishedAt = :now REMOVE #error',
        ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
        ExpressionAttributeValues: {
          ':succeeded': 'SUCCEEDED',
          ':counts': counts,
          ':now': now.toISOString(),
        },
      },
    },
    {
      Delete: {
        TableName,
        Key: selectionLock.key({}),
        ConditionExpression: 'attribute_not_exists(PK) OR waveId = :wave',
        ExpressionAttributeValues: { ':wave': waveId },
      },
    },
  ]);
}

export async function failSelection(waveId: string, error: string, now: Date): Promise<void> {
  await transact([
    {
      Update: {
        TableName: tableName(),
        Key: selection.key({ waveId }),
        UpdateExpression: 'SET #status = :failed, #error = :error, finishedAt = :now',
        ConditionExpression: '#status = :running',
        ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
        ExpressionAttributeValues: {
          ':failed': 'FAILED',
          ':running': 'RUNNING',
          ':error': error.slice(0, 500),
          ':now': now.toISOString(),
        },
      },
    },
  ]).catch((e) => {
    if (!(e instanceof ConditionFailed)) throw e;
  });
}
