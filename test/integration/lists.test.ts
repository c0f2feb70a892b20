import { BatchGetItemCommand, DynamoDBClient, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { randomIdentity } from '#scripts/lib/nik.ts';
import { adminToken, call, registerCitizen, stack } from '#test/support/api.ts';
import { stackDirOf, stackLookupHash } from '#test/support/applicants.ts';
import type { ApiResponse } from '#test/support/http.ts';

const niks = (n: number) => Array.from({ length: n }, () => randomIdentity().nik);
const dynamo = () =>
  new DynamoDBClient({
    endpoint: stack().dynamoEndpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
let hash: ReturnType<typeof stackLookupHash> | undefined;
/** The stack's keyed hash of a NIK, computed here from the stack's own key file. */
function nikHash(nik: string): string {
  hash ??= stackLookupHash(stackDirOf(inject('stackLogFile')));
  return hash('nik', nik);
}
/** Every flag item stored for one NIK. */
async function flagItems(nik: string) {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: stack().tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': { S: `NIKFLAG#${nikHash(nik)}` } },
    }),
  );
  return (out.Items ?? []).map((item) => unmarshall(item));
}

/** Sends a list import as an agency's client would: the same call again after a 503
 *  `import-incomplete`, after its Retry-After, until it is all in. Every reply, in order. */
async function importAll(path: string, token: string, listed: string[]) {
  const replies: ApiResponse[] = [];
  for (let attempt = 0; attempt < 10; attempt++) {
    const reply = await call('POST', path, { token, body: { niks: listed } });
    replies.push(reply);
    if (reply.status !== 503) break;
    // Each stop short says how far it got, and each call goes further.
    expect(reply.body.type).toMatch(/import-incomplete$/);
    expect(reply.body.imported).toBeGreaterThan(replies.at(-2)?.body.imported ?? 0);
    await new Promise((resolve) => setTimeout(resolve, Number(reply.headers.get('retry-after')) * 1000));
  }
  expect(replies.at(-1)!.status).toBe(200);
  return replies;
}

/** The flags items of many NIKs, read 100 at a time. */
async function flagItemsOf(listed: string[]) {
  const found: Record<string, any>[] = [];
  for (let i = 0; i < listed.length; i += 100) {
    const Keys = listed
      .slice(i, i + 100)
      .map((nik) => ({ PK: { S: `NIKFLAG#${nikHash(nik)}` }, SK: { S: 'FLAGS' } }));
    const out = await dynamo().send(
      new BatchGetItemCommand({ RequestItems: { [stack().tableName]: { Keys, ConsistentRead: true } } }),
    );
    expect(out.UnprocessedKeys ?? {}).toEqual({});
    found.push(...(out.Responses?.[stack().tableName] ?? []).map((item) => unmarshall(item)));
  }
  return found;
}

// NIKs imported by earlier tests, searched for in clear in the whole table by the last one.
const imported: string[] = [];

describe('exclusion and priority lists', () => {
  it('imports 10,000 NIKs in a call (or its repeat, when its time ran out); sending them again writes nothing', async () => {
    const token = await adminToken();
    const body = { niks: niks(10_000) };
    const path = '/v1/admin/exclusion-lists/civil-servants/entries';
    const started = performance.now();
    const replies = await importAll(path, token, body.niks);
    console.log(
      `10,000 NIKs imported in ${Math.round(performance.now() - started)} ms, ${replies.length} call(s)`,
    );
    const distinct = new Set(body.niks).size;
    expect(replies.at(-1)!.body).toEqual({ list: 'civil-servants', received: 10_000, imported: distinct });
    // One item per NIK holds every list it is on.
    const [sample] = await flagItems(body.niks[0]!);
    expect(sample).toEqual({
      PK: `NIKFLAG#${nikHash(body.niks[0]!)}`,
      SK: 'FLAGS',
      type: 'NikFlags',
      lists: new Set(['civil-servants']),
      importedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      batchId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    imported.push(...body.niks.filter((_, i) => i % 50 === 0));

    // A list sent again (agencies send whole lists) reads and writes nothing: the same
    // item, the list named once, still stamped by the call that put it there.
    const again = await importAll(path, token, body.niks);
    expect(again.at(-1)!.body).toEqual({ list: 'civil-servants', received: 10_000, imported: distinct });
    const after = await flagItems(body.niks[0]!);
    expect(after).toEqual([sample]);
  });

  it('a call whose time runs out says how far it got; the same call again writes only the rest', async () => {
    const token = await adminToken();
    const armed = await call('POST', '/_local/faults', {
      body: { point: 'lists.import-deadline', afterItems: 3, times: 1 },
    });
    expect(armed.status).toBe(200);
    const listed = niks(1000);
    const path = '/v1/admin/exclusion-lists/village-officials/entries';
    const first = await call('POST', path, { token, body: { niks: listed } });
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('1');
    expect(first.body).toMatchObject({
      type: expect.stringMatching(/import-incomplete$/),
      list: 'village-officials',
      received: 1000,
      retryAfterSeconds: 1,
    });
    // Three chunks of 100 done when it stopped, and the one in flight beside them.
    expect([300, 400]).toContain(first.body.imported);
    const stamps = async () => (await flagItemsOf(listed)).filter((f) => f.lists?.has('village-officials'));
    const partial = await stamps();
    expect(partial).toHaveLength(first.body.imported);
    const firstBatch = partial[0]!.batchId;
    expect(new Set(partial.map((f) => f.batchId))).toEqual(new Set([firstBatch]));

    const repeat = await call('POST', path, { token, body: { niks: listed } });
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual({ list: 'village-officials', received: 1000, imported: 1000 });
    const whole = await stamps();
    expect(whole).toHaveLength(1000);
    // What the first call wrote keeps its stamp: the repeat wrote only the rest.
    expect(whole.filter((f) => f.batchId === firstBatch)).toHaveLength(first.body.imported);
    expect(new Set(whole.map((f) => f.batchId)).size).toBe(2);
    imported.push(...listed.slice(0, 20));
  });

  it('counts duplicates in one call once', async () => {
    const [a, b] = niks(2);
    const r = await call('POST', '/v1/admin/exclusion-lists/students/entries', {
      token: await adminToken(),
      body: { niks: [a, b, a, a] },
    });
    expect(r.body).toEqual({ list: 'students', received: 4, imported: 2 });
  });

  it('refuses bad entries, empty and oversized lists, unknown lists and non-administrators', async () => {
    const token = await adminToken();
    const url = '/v1/admin/exclusion-lists/blocked/entries';
    const [a, b] = niks(2);
    const bad = await call('POST', url, {
      token,
      body: { niks: [a, '12345678901234x', b, '123456789012345', 1234567890123456] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['niks.1', 'niks.3', 'niks.4']);
    expect((await call('POST', url, { token, body: { niks: [] } })).status).toBe(400);
    expect((await call('POST', url, { token, body: { niks: niks(10_001) } })).status).toBe(400);
    const unknown = await call('POST', '/v1/admin/exclusion-lists/friends/entries', {
      token,
      body: { niks: niks(1) },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.type).toMatch(/not-found$/);
    const citizen = await registerCitizen();
    for (const path of [url, '/v1/admin/priority-lists/laid-off/entries']) {
      expect((await call('POST', path, { token, body: { niks: ['123456789012345'] } })).status).toBe(400);
      expect((await call('POST', path, { token: citizen.token, body: { niks: niks(1) } })).status).toBe(403);
      expect((await call('POST', path, { body: { niks: niks(1) } })).status).toBe(401);
    }
  });

  it('stores only keyed hashes: an exclusion and a priority flag land on the same NIK', async () => {
    const token = await adminToken();
    const listed = niks(50);
    await call('POST', '/v1/admin/exclusion-lists/aid-recipients/entries', { token, body: { niks: listed } });
    const laidOff = await call('POST', '/v1/admin/priority-lists/laid-off/entries', {
      token,
      body: { niks: listed },
    });
    expect(laidOff.body).toEqual({ list: 'laid-off', received: 50, imported: 50 });

    for (const nik of listed.slice(0, 5)) {
      const flags = await flagItems(nik);
      expect(flags).toHaveLength(1);
      expect(flags[0]).toMatchObject({
        SK: 'FLAGS',
        lists: new Set(['aid-recipients']),
        priorities: new Set(['laid-off']),
      });
    }
    imported.push(...listed);

    const dump: string[] = [];
    let start: Record<string, any> | undefined;
    do {
      const page = await dynamo().send(
        new ScanCommand({ TableName: stack().tableName, ExclusiveStartKey: start }),
      );
      dump.push(...(page.Items ?? []).map((item) => JSON.stringify(item)));
      start = page.LastEvaluatedKey;
    } while (start);
    const table = dump.join('\n');
    expect(imported.length).toBeGreaterThan(200);
    for (const nik of imported) expect(table).not.toContain(nik);
  });
});
