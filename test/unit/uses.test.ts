import { DynamoDBClient, GetItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { tableStatements } from '#cdk/constructs/table-grants.ts';
import { account } from '#contexts/accounts/items.ts';
import { course } from '#contexts/catalog/items.ts';
import { ledgerEntry } from '#contexts/ledger/items.ts';
import { payoutInstruction } from '#contexts/payouts/items.ts';
import { routes } from '#contexts/routes.ts';
import { selection } from '#contexts/selection/items.ts';
import { wave } from '#contexts/waves/items.ts';
import { routeUses } from '#platform/http/contract.ts';
import { secrets } from '#platform/secrets.ts';
import { guardTable } from '#platform/store/client.ts';
import { item } from '#platform/store/item.ts';
import {
  AccessDenied,
  environmentFor,
  InvocationEnded,
  mergeUses,
  requireTable,
  requireUse,
  runWithUses,
  tableAccess,
  type Uses,
} from '#platform/uses.ts';

const T = 'table';
const as = (uses: Uses, work: () => void) => runWithUses(uses, async () => work(), 'test/fn');
const denied = (uses: Uses, command: string, input: Record<string, unknown>) =>
  expect(as(uses, () => requireTable(command, { TableName: T, ...input }))).rejects.toThrow(AccessDenied);
const allowed = (uses: Uses, command: string, input: Record<string, unknown>) =>
  expect(as(uses, () => requireTable(command, { TableName: T, ...input }))).resolves.toBeUndefined();

const courseKey = course.key({ partnerId: 'p1', courseId: 'c1' });
const accountKey = account.key({ accountId: 'a1' });

// The local stack enforces each function's declared uses as IAM would on AWS, item type
// by item type (and, finer than IAM, by the sort key too).
describe('declared item uses, enforced locally', () => {
  it('refuses an item type the function did not declare, naming the function, the type and the action', async () => {
    await denied({ items: { course: 'read' } }, 'GetItemCommand', { Key: accountKey });
    await expect(
      as({ items: { course: 'read' } }, () =>
        requireTable('GetItemCommand', { TableName: T, Key: accountKey }),
      ),
    ).rejects.toThrow(/test\/fn: dynamodb:GetItem on account \(ACCOUNT#a1\)/);
    await denied({}, 'QueryCommand', {
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': 'ACCOUNT#a1' },
    });
    await allowed({ items: { course: 'read' } }, 'GetItemCommand', { Key: courseKey });
  });

  it('refuses an action the function did not declare on a type it did', async () => {
    const reads: Uses = { items: { course: 'read' } };
    await denied(reads, 'PutItemCommand', {
      Item: course.item({ title: 'x' } as never, { partnerId: 'p1', courseId: 'c1' }),
    });
    await denied(reads, 'UpdateItemCommand', { Key: courseKey });
    await denied(reads, 'DeleteItemCommand', { Key: courseKey });
    await denied({ items: { course: 'put' } }, 'UpdateItemCommand', { Key: courseKey });
    await denied({ items: { course: 'write' } }, 'DeleteItemCommand', { Key: courseKey });
    await allowed({ items: { course: 'write' } }, 'UpdateItemCommand', { Key: courseKey });
    await allowed({ items: { course: ['read', 'delete'] } }, 'DeleteItemCommand', { Key: courseKey });
    // A plain put is no batch: BatchWriteItem could delete too, so it is `put-many`.
    const batch = { RequestItems: { [T]: [{ PutRequest: { Item: { ...courseKey, type: 'Course' } } }] } };
    await denied({ items: { course: 'put' } }, 'BatchWriteItemCommand', batch);
    await allowed({ items: { course: 'put-many' } }, 'BatchWriteItemCommand', batch);
    const deletes = { RequestItems: { [T]: [{ DeleteRequest: { Key: courseKey } }] } };
    await denied({ items: { course: 'put-many' } }, 'BatchWriteItemCommand', deletes);
  });

  it('checks every key of a batch and every item of a transaction with its own action', async () => {
    await denied({ items: { course: 'read' } }, 'BatchGetItemCommand', {
      RequestItems: { [T]: { Keys: [courseKey, accountKey] } },
    });
    const mixed = {
      TransactItems: [
        { Put: { TableName: T, Item: { ...courseKey, type: 'Course' } } },
        { Update: { TableName: T, Key: accountKey } },
      ],
    };
    await denied({ items: { course: 'put' } }, 'TransactWriteItemsCommand', mixed);
    // The account is only checked (ConditionCheckItem): read, not update.
    const checked = {
      TransactItems: [
        { Put: { TableName: T, Item: { ...courseKey, type: 'Course' } } },
        { ConditionCheck: { TableName: T, Key: accountKey, ConditionExpression: 'attribute_exists(PK)' } },
      ],
    };
    await denied({ items: { course: 'put', account: 'update' } }, 'TransactWriteItemsCommand', checked);
    await allowed({ items: { course: 'put', account: 'read' } }, 'TransactWriteItemsCommand', checked);
    await allowed({ items: { course: 'put', account: 'update' } }, 'TransactWriteItemsCommand', mixed);
  });

  it('refuses a crafted key that starts like a declared type but is another, or none', async () => {
    // The wave's partition, the selection's sort key.
    await denied({ items: { wave: 'read' } }, 'GetItemCommand', { Key: { PK: 'WAVE#w1', SK: 'SELECTION' } });
    await allowed({ items: { wave: 'read' } }, 'GetItemCommand', { Key: wave.key({ waveId: 'w1' }) });
    expect(selection.key({ waveId: 'w1' })).toEqual({ PK: 'WAVE#w1', SK: 'SELECTION' });
    // A run's partition with a batch id appended is an instruction's, not the run's.
    const instruction = payoutInstruction.key({ runId: 'r1', batchId: 'b1', instructionId: 'i1' });
    await denied({ items: { payoutRun: 'read' } }, 'GetItemCommand', { Key: instruction });
    // A key part may hold a line break (a fuzzed path parameter): still its own type.
    await denied({ items: { partnerCredential: 'read' } }, 'UpdateItemCommand', {
      Key: { PK: 'PARTNERKEY#\n', SK: 'PARTNERKEY' },
    });
    await allowed({ items: { partnerCredential: 'update' } }, 'UpdateItemCommand', {
      Key: { PK: 'PARTNERKEY#\n', SK: 'PARTNERKEY' },
    });
    // An account's partition with a sort key no type has.
    await denied({ items: { account: 'write' } }, 'PutItemCommand', {
      Item: { PK: 'ACCOUNT#a1', SK: 'ADMIN' },
    });
  });

  it('reads a Query as every type its partition and sort key start can hold', async () => {
    const ledger = {
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
      ExpressionAttributeValues: { ':pk': 'ACCOUNT#a1', ':p': 'LEDGER#' },
    };
    await allowed({ items: { ledgerEntry: 'read' } }, 'QueryCommand', ledger);
    const whole = { KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': 'ACCOUNT#a1' } };
    await denied({ items: { ledgerEntry: 'read' } }, 'QueryCommand', whole);
    expect(ledgerEntry.format.PK).toBe(account.format.PK);
    const index = {
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': 'WAVES' },
    };
    await denied({ items: { wave: 'read' } }, 'QueryCommand', index);
    await allowed({ indexes: { GSI1: 'query' } }, 'QueryCommand', index);
    await denied({ indexes: { GSI1: 'query' } }, 'QueryCommand', { ...index, IndexName: 'GSI2' });
  });

  it('never lets anything Scan', async () => {
    await denied(
      { items: { course: ['read', 'write', 'delete'] }, indexes: { GSI1: 'query' } },
      'ScanCommand',
      {},
    );
  });

  it('checks what the client sends, from the document client (plain) and the low-level one (marshalled)', async () => {
    const client = new DynamoDBClient({
      region: 'local',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    guardTable(client);
    // Nothing leaves the process: the request stops once it is built.
    client.middlewareStack.add(() => async () => ({ output: { $metadata: {} }, response: {} }) as never, {
      step: 'build',
      name: 'noNetwork',
    });
    const doc = DynamoDBDocumentClient.from(client);
    const reads: Uses = { items: { course: 'read' } };
    await expect(
      runWithUses(reads, () => doc.send(new GetCommand({ TableName: T, Key: courseKey }))),
    ).resolves.toBeDefined();
    await expect(
      runWithUses(reads, () => doc.send(new GetCommand({ TableName: T, Key: accountKey }))),
    ).rejects.toThrow(AccessDenied);
    const marshalled = { PK: { S: courseKey.PK }, SK: { S: courseKey.SK } };
    await expect(
      runWithUses(reads, () => client.send(new GetItemCommand({ TableName: T, Key: marshalled }))),
    ).resolves.toBeDefined();
    await expect(
      runWithUses(reads, () =>
        client.send(
          new GetItemCommand({ TableName: T, Key: { PK: { S: 'ACCOUNT#a1' }, SK: { S: 'ACCOUNT' } } }),
        ),
      ),
    ).rejects.toThrow(AccessDenied);
    const transaction = (Key: Record<string, unknown>) => ({
      TransactItems: [
        { Put: { TableName: T, Item: { ...courseKey, type: 'Course' } } },
        {
          Update: {
            TableName: T,
            Key,
            UpdateExpression: 'SET x = :x',
            ExpressionAttributeValues: { ':x': 1 },
          },
        },
      ],
    });
    const writes: Uses = { items: { course: 'write' } };
    await expect(
      runWithUses(writes, () => doc.send(new TransactWriteCommand(transaction(courseKey)))),
    ).resolves.toBeDefined();
    await expect(
      runWithUses(writes, () => doc.send(new TransactWriteCommand(transaction(accountKey)))),
    ).rejects.toThrow(AccessDenied);
    await expect(
      runWithUses(writes, () =>
        client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              { Put: { TableName: T, Item: marshalled } },
              { Delete: { TableName: T, Key: marshalled } },
            ],
          }),
        ),
      ),
    ).rejects.toThrow(/DeleteItem on course/);
  });

  it('refuses the key material to a function that did not declare it', async () => {
    await expect(runWithUses({ items: { course: 'write' } }, async () => secrets())).rejects.toThrow(
      AccessDenied,
    );
  });
});
// Lambda freezes a function at its timeout; the local stand-in refuses its next call out.
describe('an invocation past its timeout', () => {
  it('calls nothing more: neither the table nor a declared service, and nothing before its end', async () => {
    const ended = new AbortController();
    const uses: Uses = { items: { course: 'read' }, payments: true };
    const calls: string[] = [];
    const late = runWithUses(
      uses,
      async () => {
        requireTable('GetItemCommand', { TableName: T, Key: courseKey });
        calls.push('before');
        await new Promise((resolve) => setTimeout(resolve, 20));
        const refusals = [
          () => requireTable('GetItemCommand', { TableName: T, Key: courseKey }),
          () => requireUse('payments', (u) => !!u.payments),
        ].map((call) => {
          try {
            call();
            return 'called';
          } catch (error) {
            return (error as Error).name;
          }
        });
        calls.push(...refusals);
      },
      'payouts/dispatch',
      ended.signal,
    );
    setTimeout(() => ended.abort(), 5);
    await late;
    expect(calls).toEqual(['before', 'InvocationEnded', 'InvocationEnded']);
    // Another invocation of the same function is not affected.
    await expect(
      as(uses, () => requireTable('GetItemCommand', { TableName: T, Key: courseKey })),
    ).resolves.toBeUndefined();
    expect(new InvocationEnded('x').name).toBe('InvocationEnded');
  });
});

describe('what the HTTP layer adds', () => {
  it('a signed partner GET reads the key and the partner and writes nothing; a signed write remembers its signature', () => {
    for (const route of routes) {
      const uses = routeUses(route);
      if (route.access === 'platform' || route.access === 'payment') {
        expect(uses.items?.partnerCredential, route.operationId).toBe('read');
        expect(uses.items?.partner, route.operationId).toBeDefined();
        expect(uses.items?.acceptedSignature, route.operationId).toBe(
          route.method === 'GET' ? undefined : 'put',
        );
      }
      if (route.access !== 'public') expect(uses.secrets, route.operationId).toBe(true);
      if (route.idempotent)
        expect(uses.items?.idempotency, route.operationId).toEqual(
          route.keepsInTransaction ? ['read', 'put'] : ['read', 'write', 'delete'],
        );
      if (route.audit) expect(uses.items?.auditRecord, route.operationId).toBeDefined();
    }
    const get = routes.find((r) => r.operationId === 'getPartnerCourse')!;
    expect(tableAccess(routeUses(get))).toBe('read');
  });

  it('merges item accesses into one list per type, and workflows to the strongest', () => {
    expect(
      mergeUses(
        { items: { course: 'read' }, workflows: { selection: 'read' } },
        {
          items: { course: 'write', account: 'read' },
          indexes: { GSI1: 'query' },
          workflows: { selection: 'start' },
        },
        { items: { course: 'read' } },
        { sms: true },
      ),
    ).toEqual({
      items: { course: ['read', 'write'], account: 'read' },
      indexes: { GSI1: 'query' },
      workflows: { selection: 'start' },
      sms: true,
    });
  });

  it('merges the queues sent to, and names each one in the environment', () => {
    const uses = mergeUses({ queues: { 'payouts-bni': 'send' } }, { queues: { 'payouts-gopay': 'send' } });
    expect(uses).toEqual({ queues: { 'payouts-bni': 'send', 'payouts-gopay': 'send' } });
    const values = { tableName: '', secretsArn: '', stateMachineArn: () => '', emailFrom: '' };
    expect(environmentFor(uses, { ...values, queueUrl: (name) => `url:${name}` })).toEqual({
      PAYOUTS_BNI_QUEUE_URL: 'url:payouts-bni',
      PAYOUTS_GOPAY_QUEUE_URL: 'url:payouts-gopay',
    });
    expect(() => environmentFor(uses, values)).toThrow(/no queue URLs/);
  });
});

describe('table grants from item uses (cdk/constructs/table-grants.ts)', () => {
  const targets = {
    tableArn: 'arn:table/T',
    indexArn: (name: string) => `arn:table/T/index/${name}`,
    keyArn: 'arn:key/K',
  };
  const json = (uses: Uses, typeOf?: Parameters<typeof tableStatements>[2]) =>
    tableStatements(uses, targets, typeOf).map((s) => s.toStatementJson());

  it('grants the declared actions on the partitions of the declared types, one statement per action set', () => {
    const statements = json({
      items: {
        course: 'read',
        wave: 'read',
        account: ['read', 'update'],
        ledgerEntry: 'put',
        idempotency: ['read', 'write', 'delete'],
      },
    });
    expect(statements).toEqual([
      {
        Action: [
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:Query',
          'dynamodb:ConditionCheckItem',
        ],
        Effect: 'Allow',
        Resource: 'arn:table/T',
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['COURSE#*#*', 'WAVE#*'] } },
      },
      {
        // The account and its ledger share a partition: IAM sees one pattern with both's actions.
        Action: [
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:Query',
          'dynamodb:ConditionCheckItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
        ],
        Effect: 'Allow',
        Resource: 'arn:table/T',
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ACCOUNT#*'] } },
      },
      {
        Action: [
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:Query',
          'dynamodb:ConditionCheckItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
        ],
        Effect: 'Allow',
        Resource: 'arn:table/T',
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['IDEMPOTENCY#*'] } },
      },
      {
        Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
        Effect: 'Allow',
        Resource: 'arn:key/K',
      },
    ]);
    expect(JSON.stringify(statements)).not.toMatch(/Scan|BatchWriteItem/);
  });

  it('grants Query on exactly the declared indexes, and only decrypt to a reader', () => {
    expect(json({ indexes: { GSI2: 'query' } })).toEqual([
      { Action: 'dynamodb:Query', Effect: 'Allow', Resource: 'arn:table/T/index/GSI2' },
      { Action: ['kms:Decrypt', 'kms:DescribeKey'], Effect: 'Allow', Resource: 'arn:key/K' },
    ]);
    expect(json({})).toEqual([]);
  });

  it('gives an unexpressible partition its declared actions without a condition', () => {
    const typeOf = (name: string) => ({ leadingKeys: name === 'quotaPool' ? undefined : 'X#*' });
    const statements = json({ items: { quotaPool: 'update', course: 'read' } }, typeOf);
    expect(statements[1]).toEqual({
      Action: 'dynamodb:UpdateItem',
      Effect: 'Allow',
      Resource: 'arn:table/T',
    });
  });

  it('derives LeadingKeys patterns from the key formats, and makes a partition that starts with a part say so', () => {
    expect(course.leadingKeys).toBe('COURSE#*#*');
    expect(payoutInstruction.leadingKeys).toBe('PAYOUTRUN#*#*');
    expect(() =>
      item<{ n: number }>()({
        type: 'Sharded',
        key: ({ shard }: { shard: number }) => ({ PK: `${shard}#X`, SK: 'X' }),
      }),
    ).toThrow(/unexpressible/);
    const declared = item<{ n: number }>()({
      type: 'Sharded',
      key: ({ shard }: { shard: number }) => ({ PK: `${shard}#X`, SK: 'X' }),
      leadingKeys: 'unexpressible',
      why: 'the shard comes first',
    });
    expect(declared.leadingKeys).toBeUndefined();
    expect(declared.unexpressible).toBe('the shard comes first');
  });
});
