import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DynamoDBClient, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { randomIdentity } from '#scripts/lib/nik.ts';
import { adminToken, call, registerCitizen, stack } from '#test/support/api.ts';

const niks = (n: number) => Array.from({ length: n }, () => randomIdentity().nik);
const dynamo = () =>
  new DynamoDBClient({
    endpoint: stack().dynamoEndpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
/** The stack's keyed hash of a NIK, computed here from the stack's own key file. */
function nikHash(nik: string): string {
  const keys = JSON.parse(readFileSync(join(dirname(inject('stackLogFile')), 'keys.json'), 'utf8'));
  return createHmac('sha256', Buffer.from(keys.lookupKey, 'base64')).update(`nik:${nik}`).digest('base64url');
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

// NIKs imported by earlier tests, searched for in clear in the whole table by the last one.
const imported: string[] = [];

describe('exclusion and priority lists', () => {
  it('imports 10,000 NIKs in one call; importing them again is harmless', async () => {
    const token = await adminToken();
    const body = { niks: niks(10_000) };
    const started = performance.now();
    const first = await call('POST', '/v1/admin/exclusion-lists/civil-servants/entries', { token, body });
    console.log(`10,000 NIKs imported in ${Math.round(performance.now() - started)} ms`);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      list: 'civil-servants',
      received: 10_000,
      imported: new Set(body.niks).size,
    });
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

    const again = await call('POST', '/v1/admin/exclusion-lists/civil-servants/entries', { token, body });
    expect(again.status).toBe(200);
    expect(again.body.imported).toBe(first.body.imported);
    // The same item, the list named once, stamped by the second call's batch.
    const after = await flagItems(body.niks[0]!);
    expect(after).toHaveLength(1);
    expect(after[0]!.lists).toEqual(new Set(['civil-servants']));
    expect(after[0]!.batchId).not.toBe(sample!.batchId);
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
