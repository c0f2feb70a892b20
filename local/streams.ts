import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type ShardIteratorType,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { assertSupported, matchesPattern } from '#local/event-pattern.ts';
import { QUIET_SDK_LOGGER } from '#local/quiet-sdk.ts';
import { clientOptions } from '#platform/config.ts';
import type { StreamConsumer } from '#platform/consumers.ts';
import { handlerFile } from '#platform/handlers.ts';
import { logger } from '#platform/logger.ts';
import { runWithUses } from '#platform/uses.ts';

/** How often at most the stream's checkpoint is written (and at stop). */
const CHECKPOINT_MS = 250;

// The local stand-in for a Lambda event source mapping on the table's stream: reads
// DynamoDB Local's stream with the real Streams API, builds the event Lambda sends,
// filters and batches it as the shared declaration says, and handles failures the way
// Lambda does for streams: resume from the first reported failure, retry with
// bisection up to retryAttempts, then name the batch in the failure queue and move on.

export interface StreamOptions {
  consumer: StreamConsumer;
  functionsDir: URL;
  dynamoEndpoint: string;
  sqsEndpoint: string;
  tableName: string;
  region: string;
  /** Where each shard's position is written after each page (read again at the next start). */
  checkpointFile?: string | undefined;
  /** How long an idle poller waits before it reads the stream again. */
  pollMs?: number;
  /** First retry delay; it doubles per attempt (Lambda backs off too). */
  retryDelayMs?: number;
}

type Handler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;
type Condition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

interface ShardState {
  parent?: string | undefined;
  /** Sequence number of the last record handled (delivered, filtered out or given up on). */
  last?: string | undefined;
  done: boolean;
  iterator?: string | undefined;
  /** Present when the mapping started: LATEST applies to it; later (child) shards start at their beginning. */
  initial: boolean;
}

class Stopped extends Error {}

/** Lambda's event record: the same fields, binary values in base64 as in Lambda's JSON. */
function toLambdaRecord(record: _Record, streamArn: string, region: string): DynamoDBRecord {
  const d = record.dynamodb ?? {};
  const event = {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    dynamodb: {
      ApproximateCreationDateTime: d.ApproximateCreationDateTime
        ? Math.floor(d.ApproximateCreationDateTime.getTime() / 1000)
        : undefined,
      Keys: d.Keys,
      NewImage: d.NewImage,
      OldImage: d.OldImage,
      SequenceNumber: d.SequenceNumber,
      SizeBytes: d.SizeBytes,
      StreamViewType: d.StreamViewType,
    },
    eventSourceARN: streamArn,
  };
  return jsonCopy(event) as DynamoDBRecord;
}

/** The value as a JSON round trip gives it back (binary values in base64, undefined fields
 *  left out), copied directly: stringify with a replacer then parse cost 5 times more. */
function jsonCopy(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : jsonCopy(v)));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    // An attribute named `__proto__` stays an attribute, as JSON.parse keeps it.
    if (key === '__proto__')
      Object.defineProperty(out, key, {
        value: jsonCopy(v),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else out[key] = jsonCopy(v);
  }
  return out;
}

/** Index of the first failed record of a partial batch response; -1 when all succeeded. */
function firstFailure(batch: DynamoDBRecord[], response: DynamoDBBatchResponse | undefined): number {
  const failures = response?.batchItemFailures ?? [];
  if (!failures.length) return -1;
  let first = batch.length;
  for (const { itemIdentifier } of failures) {
    const index = batch.findIndex((r) => r.dynamodb?.SequenceNumber === itemIdentifier);
    // An empty or unknown identifier fails the whole batch, as on Lambda.
    if (!itemIdentifier || index < 0) return 0;
    first = Math.min(first, index);
  }
  return first;
}

export async function startStreamConsumer(options: StreamOptions) {
  const { consumer } = options;
  assertSupported(consumer.filter);
  const pollMs = options.pollMs ?? 1000;
  const retryDelayMs = options.retryDelayMs ?? 100;
  const dynamo = new DynamoDBClient(clientOptions(options.dynamoEndpoint));
  const streams = new DynamoDBStreamsClient({
    ...clientOptions(options.dynamoEndpoint),
    logger: QUIET_SDK_LOGGER,
  });
  const sqs = new SQSClient(clientOptions(options.sqsEndpoint));
  const { QueueUrl: queueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: consumer.failureQueue }));
  const table = await dynamo.send(new DescribeTableCommand({ TableName: options.tableName }));
  const streamArn = table.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${options.tableName} has no stream`);
  const functionArn = `arn:aws:lambda:${options.region}:000000000000:function:prakerja-${consumer.handler.replace('/', '-')}`;

  const shards = new Map<string, ShardState>();
  const saved =
    options.checkpointFile && existsSync(options.checkpointFile)
      ? (JSON.parse(readFileSync(options.checkpointFile, 'utf8')) as {
          streamArn: string;
          shards: Record<string, ShardState>;
        })
      : undefined;
  // A checkpoint of another stream (the table was recreated) means nothing here.
  if (saved?.streamArn === streamArn)
    for (const [id, s] of Object.entries(saved.shards)) shards.set(id, { ...s, iterator: undefined });
  const write = () => {
    if (!options.checkpointFile) return;
    const out: Record<string, ShardState> = {};
    for (const [id, { iterator: _, ...s }] of shards) out[id] = s;
    writeFileSync(options.checkpointFile, JSON.stringify({ streamArn, shards: out }));
  };
  // The checkpoint is written at most every CHECKPOINT_MS and at stop: a busy table wrote
  // it (every shard, synchronously) after each read. A crash in between reads those records
  // again at the next start, as a mapping on AWS may: the consumers are idempotent.
  let pending: NodeJS.Timeout | undefined;
  const save = () => {
    pending ??= setTimeout(() => {
      pending = undefined;
      write();
    }, CHECKPOINT_MS);
  };

  const abort = new AbortController();
  const pause = (ms: number) => sleep(ms, undefined, { signal: abort.signal }).catch(() => undefined);
  // An idle poller reads the stream once a second (Lambda reads a shard about four times a
  // second): an idle stack does not read an empty stream five times a second.
  let handler: Promise<Handler> | undefined;
  const load = () =>
    (handler ??= import(new URL(handlerFile(consumer.handler), options.functionsDir).href).then(
      (m: { handler: Handler }) => m.handler,
    ));

  /** One invocation, as Lambda makes it: the index of the first failure, -1 on success. */
  async function invoke(batch: DynamoDBRecord[]): Promise<{ failedAt: number; unhandled: boolean }> {
    try {
      const handle = await load();
      const run = runWithUses(consumer.uses, () => handle({ Records: batch }), consumer.handler);
      const timeout = sleep(consumer.timeoutSeconds * 1000, 'timeout' as const, { ref: false });
      const response = await Promise.race([run, timeout]);
      if (response === 'timeout') return { failedAt: 0, unhandled: true };
      return {
        failedAt: consumer.reportBatchItemFailures ? firstFailure(batch, response) : -1,
        unhandled: false,
      };
    } catch (error) {
      logger.error('stream consumer invocation failed', {
        handler: consumer.handler,
        error: (error as Error).name,
      });
      return { failedAt: 0, unhandled: true };
    }
  }

  /** Lambda's on-failure record: where the batch is in the stream, never its contents. */
  async function giveUp(
    shardId: string,
    batch: DynamoDBRecord[],
    condition: Condition,
    invokes: number,
    unhandled: boolean,
  ) {
    const first = batch[0]!.dynamodb!;
    const last = batch.at(-1)!.dynamodb!;
    const arrival = (seconds: number | undefined) => new Date((seconds ?? 0) * 1000).toISOString();
    const body = {
      requestContext: { requestId: randomUUID(), functionArn, condition, approximateInvokeCount: invokes },
      responseContext: {
        statusCode: 200,
        executedVersion: '$LATEST',
        ...(unhandled ? { functionError: 'Unhandled' } : {}),
      },
      version: '1.0',
      timestamp: new Date().toISOString(),
      DDBStreamBatchInfo: {
        shardId,
        startSequenceNumber: first.SequenceNumber,
        endSequenceNumber: last.SequenceNumber,
        approximateArrivalOfFirstRecord: arrival(first.ApproximateCreationDateTime),
        approximateArrivalOfLastRecord: arrival(last.ApproximateCreationDateTime),
        batchSize: batch.length,
        streamArn,
      },
    };
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(body) }));
    logger.warn('stream batch given up', {
      handler: consumer.handler,
      condition,
      batchSize: batch.length,
      startSequenceNumber: first.SequenceNumber,
    });
  }

  /** Delivers one batch until it succeeds or is given up on. */
  async function deliver(shardId: string, batch: DynamoDBRecord[]) {
    const pending = [{ records: batch, attempts: 0 }];
    while (pending.length) {
      if (abort.signal.aborted) throw new Stopped();
      const { records: all, attempts } = pending.shift()!;
      // Records past the maximum age are not sent (the oldest come first in a shard).
      const oldest = Date.now() / 1000 - consumer.maxRecordAgeSeconds;
      const expired = all.filter((r) => (r.dynamodb?.ApproximateCreationDateTime ?? Infinity) < oldest);
      if (expired.length) await giveUp(shardId, expired, 'RecordAgeExceeded', attempts, false);
      const records = all.slice(expired.length);
      if (!records.length) continue;
      const { failedAt, unhandled } = await invoke(records);
      if (failedAt < 0) continue;
      const rest = records.slice(failedAt);
      const tries = attempts + 1;
      if (tries > consumer.retryAttempts) {
        await giveUp(shardId, rest, 'RetryAttemptsExhausted', tries, unhandled);
        continue;
      }
      await pause(Math.min(retryDelayMs * 2 ** (tries - 1), 2000));
      // Bisection halves what is left; both halves carry the attempts made so far.
      if (consumer.bisectBatchOnError && rest.length > 1) {
        const half = Math.ceil(rest.length / 2);
        pending.unshift(
          { records: rest.slice(0, half), attempts: tries },
          { records: rest.slice(half), attempts: tries },
        );
      } else pending.unshift({ records: rest, attempts: tries });
    }
  }

  let discovered = false;
  let nextDiscovery = 0;
  async function discover() {
    let start: string | undefined;
    const seen = new Set<string>();
    do {
      const out = await streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }),
      );
      for (const shard of out.StreamDescription?.Shards ?? []) {
        if (!shard.ShardId) continue;
        seen.add(shard.ShardId);
        if (!shards.has(shard.ShardId))
          shards.set(shard.ShardId, { parent: shard.ParentShardId, done: false, initial: !discovered });
      }
      start = out.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    // A shard of the checkpoint that the stream no longer lists has been trimmed away.
    for (const [id, shard] of shards) if (!seen.has(id)) shard.done = true;
    discovered = true;
    nextDiscovery = Date.now() + 5000;
  }

  async function iteratorFor(shardId: string, shard: ShardState): Promise<string | undefined> {
    const type: ShardIteratorType = shard.last
      ? 'AFTER_SEQUENCE_NUMBER'
      : shard.initial && consumer.startingPosition === 'LATEST'
        ? 'LATEST'
        : 'TRIM_HORIZON';
    const out = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ShardIteratorType: type,
        ...(shard.last ? { SequenceNumber: shard.last } : {}),
      }),
    );
    return out.ShardIterator;
  }

  /** Reads one page of a shard and delivers it; true when there were records. */
  async function pollShard(shardId: string, shard: ShardState): Promise<boolean> {
    shard.iterator ??= await iteratorFor(shardId, shard);
    let out: GetRecordsCommandOutput | undefined;
    try {
      out = shard.iterator
        ? await streams.send(new GetRecordsCommand({ ShardIterator: shard.iterator }))
        : undefined;
    } catch (error) {
      if (error instanceof TrimmedDataAccessException) shard.last = undefined;
      if (error instanceof ExpiredIteratorException || error instanceof TrimmedDataAccessException) {
        shard.iterator = undefined;
        return true;
      }
      throw error;
    }
    const records = out?.Records ?? [];
    const events = records
      .map((r) => toLambdaRecord(r, streamArn!, options.region))
      .filter((r) => matchesPattern(consumer.filter, r));
    for (let i = 0; i < events.length; i += consumer.batchSize)
      await deliver(shardId, events.slice(i, i + consumer.batchSize));
    if (records.length) shard.last = records.at(-1)?.dynamodb?.SequenceNumber;
    shard.iterator = out?.NextShardIterator;
    // No next iterator: the shard is closed and read to its end; its children come next.
    if (!shard.iterator) {
      shard.done = true;
      nextDiscovery = 0;
    }
    if (records.length || shard.done) save();
    return records.length > 0;
  }

  async function pollOnce(): Promise<boolean> {
    if (Date.now() >= nextDiscovery) await discover();
    let busy = false;
    for (const [id, shard] of shards) {
      // A child shard waits until its parent is read to the end: records stay in order.
      const parent = shard.parent ? shards.get(shard.parent) : undefined;
      if (shard.done || (parent && !parent.done)) continue;
      if (await pollShard(id, shard)) busy = true;
    }
    return busy;
  }

  // LATEST is the stream's end when the mapping is created, as on AWS: fixed before start returns.
  if (consumer.startingPosition === 'LATEST') {
    await discover();
    for (const [id, shard] of shards) if (!shard.done) shard.iterator = await iteratorFor(id, shard);
  }

  const loop = (async () => {
    while (!abort.signal.aborted) {
      try {
        if (!(await pollOnce())) await pause(pollMs);
      } catch (error) {
        if (error instanceof Stopped) break;
        logger.warn('stream poll failed', { error: (error as Error).name });
        await pause(1000);
      }
    }
  })();

  return {
    streamArn,
    failureQueueUrl: queueUrl!,
    /** Reads the stream now (something was written), not after the idle wait. */
    /** Stops after the invocation in flight; an unfinished batch is read again next start. */
    stop: async () => {
      abort.abort();
      await loop;
      clearTimeout(pending);
      pending = undefined;
      write();
      for (const client of [dynamo, streams, sqs]) client.destroy();
    },
  };
}
