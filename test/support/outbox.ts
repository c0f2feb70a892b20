import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { inject, vi } from 'vitest';
import { stackDirOf } from '#test/support/applicants.ts';

// The event after which nothing written so far can still be sent: the stack's outbox sender
// (local/streams.ts) has read its table's stream past the records there now. The sender
// writes its position per shard to the stack's directory after every page.

/** The last sequence number in each shard of the table's stream, now. */
async function streamEnds(): Promise<Map<string, bigint>> {
  const local = {
    region: 'ap-southeast-3',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    endpoint: inject('stack').dynamoEndpoint,
  };
  const dynamo = new DynamoDBClient(local);
  const streams = new DynamoDBStreamsClient(local);
  try {
    const table = await dynamo.send(new DescribeTableCommand({ TableName: inject('stack').tableName }));
    const StreamArn = table.Table!.LatestStreamArn!;
    const ends = new Map<string, bigint>();
    let start: string | undefined;
    do {
      const out = await streams.send(new DescribeStreamCommand({ StreamArn, ExclusiveStartShardId: start }));
      for (const { ShardId } of out.StreamDescription?.Shards ?? []) {
        let iterator = (
          await streams.send(
            new GetShardIteratorCommand({ StreamArn, ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
          )
        ).ShardIterator;
        // An open shard always has a next iterator: its end for now is a page with no records.
        while (iterator) {
          const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
          const last = page.Records?.at(-1)?.dynamodb?.SequenceNumber;
          if (!last) break;
          ends.set(ShardId!, BigInt(last));
          iterator = page.NextShardIterator;
        }
      }
      start = out.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    return ends;
  } finally {
    dynamo.destroy();
    streams.destroy();
  }
}

/** Waits until the outbox sender has handled (sent, filtered out or given up on) every
 *  record the stream holds now. */
export async function outboxCaughtUp(timeout = 30_000): Promise<void> {
  const ends = await streamEnds();
  const file = join(stackDirOf(inject('stackLogFile')), 'streams.memory.json');
  await vi.waitFor(
    () => {
      const read = existsSync(file)
        ? (JSON.parse(readFileSync(file, 'utf8')) as {
            shards: Record<string, { last?: string; done: boolean }>;
          })
        : { shards: {} };
      for (const [shard, end] of ends) {
        const at = read.shards[shard];
        if (!at?.done && BigInt(at?.last ?? 0) < end)
          throw new Error(`the outbox sender is behind in ${shard}`);
      }
    },
    { timeout, interval: 100 },
  );
}
