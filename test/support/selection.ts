import { BatchGetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { vi } from 'vitest';
import { ledgerEntry } from '#contexts/ledger/items.ts';
import { nikFlags } from '#contexts/lists/items.ts';
import { participant } from '#contexts/selection/items.ts';
import { drawKey, isSelected, type Pool, referenceCutoffs } from '#contexts/selection/rules/draw.ts';
import type { StackInfo } from '#local/stack.ts';
import type { RawItem } from '#platform/store/item.ts';
import { documentClient } from '#test/support/applicants.ts';
import { request } from '#test/support/http.ts';

// Running a selection over HTTP and checking it from outside, as an auditor would:
// the export and the seed are enough to recompute who must have been selected.

export interface ExportRow {
  accountId: string;
  pool: Pool;
  eligible: boolean;
  outcome: 'JOINED' | 'SELECTED' | 'NOT_SELECTED';
  reason?: string;
}

export async function adminTokenFor(stack: StackInfo): Promise<string> {
  const admin = stack.admins.find((a) => a.role === 'admin')!;
  const session = await request(stack.apiUrl, 'POST', '/v1/sessions', {
    body: { email: admin.email, password: admin.password },
  });
  return session.body.accessToken;
}

export async function runSelection(
  stack: StackInfo,
  token: string,
  waveId: string,
  body: Record<string, unknown>,
  timeoutMs = 120_000,
) {
  const start = () => request(stack.apiUrl, 'POST', `/v1/admin/waves/${waveId}/selection`, { token, body });
  // Another file's selection, or this wave's applicants still waiting for the civil
  // registry (the operator waits for the checks: docs/registry.md).
  const busy = (r: { status: number; body: { type?: string } }) =>
    r.status === 409 &&
    Boolean(
      r.body?.type?.endsWith('/selection-running') || r.body?.type?.endsWith('/registry-checks-pending'),
    );
  let started = await start();
  // Test files side by side share a stack, which runs one selection at a time: wait for
  // the other file's to end (a benchmark, alone on its stack, never gets here).
  if (busy(started))
    started = await vi.waitFor(
      async () => {
        const again = await start();
        if (busy(again)) throw new Error(`another selection is still running: ${JSON.stringify(again.body)}`);
        return again;
      },
      { timeout: timeoutMs, interval: 500 },
    );
  if (started.status !== 202)
    throw new Error(`selection refused: ${started.status} ${JSON.stringify(started.body)}`);
  return waitForSelection(stack, token, waveId, timeoutMs);
}

export async function waitForSelection(stack: StackInfo, token: string, waveId: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await request(stack.apiUrl, 'GET', `/v1/admin/waves/${waveId}/selection`, { token });
    if (view.body.status !== 'RUNNING') return view.body;
    if (Date.now() > deadline) throw new Error(`selection of ${waveId} still running`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function exportSelection(stack: StackInfo, token: string, waveId: string): Promise<ExportRow[]> {
  const rows: ExportRow[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `?limit=500&cursor=${cursor}` : '?limit=500';
    const page = await request(stack.apiUrl, 'GET', `/v1/admin/waves/${waveId}/selection/export${query}`, {
      token,
    });
    if (page.status !== 200) throw new Error(`export failed: ${page.status}`);
    rows.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return rows;
}

export const selectedIds = (rows: ExportRow[]) =>
  new Set(rows.filter((r) => r.outcome === 'SELECTED').map((r) => r.accountId));

/** Who the draw must select, recomputed from the export and the seed alone. */
export function expectedSelection(rows: ExportRow[], seed: string, quota: number, reservedQuota: number) {
  const candidates = rows
    .filter((r) => r.eligible)
    .map((r) => ({ accountId: r.accountId, pool: r.pool, key: drawKey(seed, r.accountId) }));
  const cutoffs = referenceCutoffs(candidates, quota, reservedQuota);
  return new Set(candidates.filter((c) => isSelected(c, cutoffs)).map((c) => c.accountId));
}

export async function participantsOf(stack: StackInfo, accountIds: string[]) {
  const client = documentClient(stack);
  const found: RawItem[] = [];
  for (let i = 0; i < accountIds.length; i += 100) {
    const keys = accountIds.slice(i, i + 100).map((accountId) => participant.key({ accountId }));
    const out = await client.send(
      new BatchGetCommand({ RequestItems: { [stack.tableName]: { Keys: keys } } }),
    );
    found.push(...(out.Responses?.[stack.tableName] ?? []));
  }
  return found.map((i) => participant.parse(i));
}

export async function ledgerOf(stack: StackInfo, accountId: string) {
  const { PK, SKPrefix } = ledgerEntry.partition({ accountId });
  const out = await documentClient(stack).send(
    new QueryCommand({
      TableName: stack.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :l)',
      ExpressionAttributeValues: { ':pk': PK, ':l': SKPrefix },
    }),
  );
  return (out.Items ?? []).map((i) => ledgerEntry.parse(i));
}

/** A flag on a NIK hash, written as a list import or an earlier selection would. */
export async function putNikFlag(
  stack: StackInfo,
  nikHash: string,
  flag: { list: string } | { priority: string } | { participatedIn: string },
) {
  const at = new Date().toISOString();
  const [set, value] =
    'list' in flag ? ['lists', flag.list] : 'priority' in flag ? ['priorities', flag.priority] : [];
  // The same updates as a list import (ADD to a set) or the issuing transaction would make.
  await documentClient(stack).send(
    new UpdateCommand({
      TableName: stack.tableName,
      Key: nikFlags.key({ nikHash }),
      ...(set
        ? {
            UpdateExpression: 'ADD #set :v SET #type = :type, importedAt = :at, batchId = :batch',
            ExpressionAttributeNames: { '#set': set, '#type': 'type' },
            ExpressionAttributeValues: {
              ':v': new Set([value]),
              ':type': nikFlags.type,
              ':at': at,
              ':batch': 'test',
            },
          }
        : {
            UpdateExpression: 'SET #type = :type, participatedIn = :v, participatedAt = :at',
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: {
              ':v': 'participatedIn' in flag ? flag.participatedIn : '',
              ':type': nikFlags.type,
              ':at': at,
            },
          }),
    }),
  );
}
