import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { buildApp } from 'fauxqs';
import { dynamoDbLocalArgs } from '#local/dynamodb-launcher.ts';
import { TABLE } from '#platform/store/table.ts';

// The local engines that speak the AWS APIs: Amazon's DynamoDB Local (a Java jar
// shipped in the npm package) and fauxqs for SQS, in-process. Both listen on 127.0.0.1
// only: neither offers that itself (the jar binds every interface, startFauxqs 0.0.0.0).

export function requireJava(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const version = /version "(\d+)/.exec(`${probe.stderr}${probe.stdout}`)?.[1];
  if (probe.error || !version || Number(version) < 17) {
    console.error(
      [
        'DynamoDB Local needs Java 17 or newer, and `java` was not found on the PATH (or is older).',
        'Install it, then run npm start again:',
        '  Debian/Ubuntu: sudo apt-get update && sudo apt-get install -y openjdk-17-jre-headless',
        '  macOS:         brew install openjdk@17',
      ].join('\n'),
    );
    process.exit(1);
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface Dynamo {
  endpoint: string;
  process: ChildProcess;
  client: DynamoDBClient;
  /** Stops the JVM and waits for it to exit (SIGTERM, then SIGKILL after 5 s): its data
   *  directory is closed when this resolves. */
  stop(): Promise<void>;
}

/** Ends a child process and waits for it: SIGTERM, then SIGKILL if it is still there after `graceMs`. */
export function stopProcess(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts DynamoDB Local: on disk under `dataDir`, or in memory when it is undefined. The JVM
 *  exits by itself if this process ends without stopping it (its stdin is a pipe from here). */
export async function startDynamo(dataDir: string | undefined, signal?: AbortSignal): Promise<Dynamo> {
  const port = await freePort();
  const options = ['-sharedDb', ...(dataDir ? ['-dbPath', dataDir] : ['-inMemory'])];
  const child = spawn('java', await dynamoDbLocalArgs(port, options, { exitWithParent: true }), {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  child.stdin?.on('error', () => {});
  let exited = false;
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  child.on('exit', () => {
    exited = true;
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  // A JVM on a busy 2-core machine (tests start several stacks) can take a minute.
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      await client.send(new DescribeTableCommand({ TableName: '_probe' }));
      break;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) break;
      if (exited || signal?.aborted || Date.now() > deadline) {
        await stopProcess(child, 1000);
        if (signal?.aborted) throw signal.reason;
        throw new Error(`DynamoDB Local did not start on ${endpoint}\n${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return { endpoint, process: child, client, stop: () => stopProcess(child) };
}

/** Creates the single table from its shared declaration, if it is not there yet. */
export async function ensureTable(client: DynamoDBClient, TableName: string): Promise<void> {
  const existing = await client.send(new DescribeTableCommand({ TableName })).catch((error) => {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  });
  if (existing) {
    await addMissingIndexes(client, TableName, existing.Table?.GlobalSecondaryIndexes ?? []);
    // A table made before the stream was declared gets it (the outbox sender reads it).
    if (!existing.Table?.StreamSpecification?.StreamEnabled) await enableStream(client, TableName);
    return;
  }
  const keyNames = [
    TABLE.partitionKey,
    TABLE.sortKey,
    ...TABLE.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  await client.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: keyNames.map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
      ],
      StreamSpecification: streamSpecification,
      GlobalSecondaryIndexes: TABLE.indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: index.projection },
      })),
    }),
  );
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName,
      TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
    }),
  );
}

const streamSpecification = { StreamEnabled: true, StreamViewType: TABLE.stream };

async function enableStream(client: DynamoDBClient, TableName: string): Promise<void> {
  await client.send(new UpdateTableCommand({ TableName, StreamSpecification: streamSpecification }));
}

/** fauxqs's own app (its startFauxqs would listen on 0.0.0.0), in this process. */
export async function startQueues() {
  const app = buildApp({ logger: false });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { address, stop: () => app.close() };
}

/** A table made by an older version of the stack (on disk under .local/) gets the
 *  indexes declared since, one at a time as DynamoDB requires. */
async function addMissingIndexes(
  client: DynamoDBClient,
  TableName: string,
  present: { IndexName?: string }[],
) {
  for (const index of TABLE.indexes) {
    if (present.some((p) => p.IndexName === index.name)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName,
        AttributeDefinitions: [
          { AttributeName: index.partitionKey, AttributeType: 'S' },
          { AttributeName: index.sortKey, AttributeType: 'S' },
        ],
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: index.name,
              KeySchema: [
                { AttributeName: index.partitionKey, KeyType: 'HASH' },
                { AttributeName: index.sortKey, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: index.projection },
            },
          },
        ],
      }),
    );
  }
}
