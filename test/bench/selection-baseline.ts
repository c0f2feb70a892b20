// The minimal work for a selection's business outcome, straight to DynamoDB Local, for
// test/bench/selection.ts to compare the workflow with: paged reads of the applicant
// index, each page's list flags, registry checks and family cards by BatchGetItem, screening and the
// family cap in memory, the same cut-offs (referenceCutoffs over every candidate, held in
// memory), then the not-drawn's outcome items by BatchWriteItem and one transaction per
// drawn participant with the very items the workflow writes (participantTransaction).
// No page items, no summaries, no second read of the index, no state machine, no Lambda.
import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { nikFlags } from '#contexts/lists/items.ts';
import { flagsOf } from '#contexts/lists/store/lists.ts';
import { type RegistryCheck, registryCheck } from '#contexts/registry/items.ts';
import { registryVerified } from '#contexts/registry/rules/registry.ts';
import { familyCard, type Outcome, outcome as outcomeItem } from '#contexts/selection/items.ts';
import {
  type Candidate,
  drawKey,
  familyPlaces,
  isSelected,
  KK_CAP,
  newCardNumber,
  type Pool,
  referenceCutoffs,
} from '#contexts/selection/rules/draw.ts';
import { type NikFlags, screeningReasons } from '#contexts/selection/rules/screening.ts';
import { segmentSlices } from '#contexts/selection/store/applicants.ts';
import { outcomeOf, participantTransaction } from '#contexts/selection/store/participants.ts';
import type { Application } from '#contexts/waves/items.ts';
import { applicantsPartition, application } from '#contexts/waves/items.ts';
import type { Wave } from '#contexts/waves/rules/waves.ts';
import { newInvocation } from '#platform/observability.ts';
import { meterCalls } from '#platform/store/capacity.ts';
import type { RawItem } from '#platform/store/item.ts';
import { runPool } from '#test/bench/stats.ts';

export interface BaselineResult {
  selected: number;
  eligible: number;
  ms: { screen: number; cut: number; announce: number };
  calls: number;
  billedWriteUnits: number;
  billedReadUnits: number;
}

interface Screened extends Candidate {
  application: Application;
  reason?: string;
}

const chunks = <T>(items: T[], size: number) =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

export async function minimalSelection(
  client: DynamoDBDocumentClient,
  TableName: string,
  wave: Wave,
  seed: string,
  segments: number,
  pageSize: number,
): Promise<BaselineResult> {
  // Calls and capacity as the workflow's tasks count theirs (store/capacity.ts).
  const meter = newInvocation();
  meterCalls(client, () => meter);
  const batchGet = async (
    keys: Record<string, unknown>[],
    consistent: boolean,
    projection?: string,
    names?: Record<string, string>,
  ) => {
    const found: RawItem[] = [];
    await runPool(Math.ceil(keys.length / 100), 8, async (i) => {
      let request: Record<string, unknown>[] | undefined = keys.slice(i * 100, (i + 1) * 100);
      while (request?.length) {
        const out = await client.send(
          new BatchGetCommand({
            RequestItems: {
              [TableName]: {
                Keys: request,
                ConsistentRead: consistent,
                ...(projection ? { ProjectionExpression: projection } : {}),
                ...(names ? { ExpressionAttributeNames: names } : {}),
              },
            },
          }),
        );
        const items = out.Responses?.[TableName] ?? [];
        found.push(...items);
        request = out.UnprocessedKeys?.[TableName]?.Keys as Record<string, unknown>[] | undefined;
      }
    });
    return found;
  };

  // Screen: every segment pages through its slices of the applicant index.
  let started = performance.now();
  const screened: Screened[] = [];
  const placesLeft = new Map<string, number>();
  await runPool(segments, segments, async (segment) => {
    for (const slice of segmentSlices(segment, segments)) {
      let start: Record<string, unknown> | undefined;
      do {
        const out = await client.send(
          new QueryCommand({
            TableName,
            IndexName: 'GSI2',
            KeyConditionExpression: 'GSI2PK = :pk AND begins_with(GSI2SK, :prefix)',
            ExpressionAttributeValues: {
              ':pk': applicantsPartition(wave.waveId, slice.shard),
              ':prefix': slice.prefix,
            },
            ExclusiveStartKey: start,
            Limit: pageSize,
          }),
        );
        start = out.LastEvaluatedKey;
        const page = (out.Items ?? []).map((i) => application.parse(i));
        if (!page.length) continue;
        const niks = [...new Set(page.map((a) => a.nikHash))];
        const cards = [...new Set(page.map((a) => a.kkHash))];
        // The flags (one item per NIK), the registry's checks (one per applicant; read
        // eventually consistent, as the workflow does) and the cards at once.
        const [flagItems, checkItems, cardItems] = await Promise.all([
          batchGet(
            niks.map((nikHash) => nikFlags.key({ nikHash })),
            false,
            'PK, SK, lists, priorities, participatedIn',
          ),
          batchGet(
            page.map((a) => registryCheck.key({ accountId: a.accountId })),
            false,
            'PK, SK, accountId, #status, nikHash, birthDate',
            { '#status': 'status' },
          ),
          batchGet(
            cards.map((kkHash) => familyCard.key({ kkHash })),
            true,
          ),
        ]);
        const checks = new Map(checkItems.map((item) => [String(item.accountId), item]));
        const byNik = new Map(flagItems.map((item) => [nikFlags.partsOf(item).nikHash, item]));
        const flags = new Map<string, NikFlags>(niks.map((h) => [h, flagsOf(byNik.get(h))]));
        for (const kk of cards) placesLeft.set(kk, KK_CAP);
        for (const item of cardItems)
          placesLeft.set(
            familyCard.partsOf(item).kkHash,
            KK_CAP - (familyCard.parse(item).participants ?? 0),
          );
        for (const a of page) {
          const nik = flags.get(a.nikHash)!;
          const pool: Pool = nik.priorities.includes('laid-off') ? 'priority' : 'general';
          const check = checks.get(a.accountId) as RegistryCheck | undefined;
          const [reason] = screeningReasons(a, wave, {
            ...nik,
            registryVerified: registryVerified(check, a),
          });
          screened.push({
            accountId: a.accountId,
            key: drawKey(seed, a.accountId),
            pool,
            application: a,
            ...(reason ? { reason } : {}),
          });
        }
      } while (start);
    }
  });
  const families = new Map<string, Screened[]>();
  for (const s of screened)
    if (!s.reason) families.set(s.application.kkHash, [...(families.get(s.application.kkHash) ?? []), s]);
  for (const [kk, members] of families) {
    const placed = familyPlaces(members, placesLeft.get(kk)!);
    for (const m of members) if (!placed.has(m)) m.reason = 'kk-cap';
  }
  const screenMs = performance.now() - started;

  // Cut: the reference draw over every candidate, in memory.
  started = performance.now();
  const eligible = screened.filter((s) => !s.reason);
  const cutoffs = referenceCutoffs(eligible, wave.quota, wave.reservedQuota);
  const cutMs = performance.now() - started;

  // Announce: a batch write for the not-drawn, a transaction for each drawn.
  started = performance.now();
  const now = new Date();
  const drawn = eligible.filter((s) => isSelected(s, cutoffs));
  const notDrawn: Outcome[] = screened
    .filter((s) => s.reason || !isSelected(s, cutoffs))
    .map((s) =>
      outcomeOf(
        s.application,
        wave,
        { outcome: 'NOT_SELECTED', pool: s.pool, eligible: !s.reason, reason: s.reason ?? 'not-drawn' },
        now,
      ),
    );
  const batches = chunks(
    notDrawn.map((o) => outcomeItem.item(o)),
    25,
  );
  let selected = 0;
  await Promise.all([
    runPool(batches.length, segments * 4, async (i) => {
      let requests = batches[i]!.map((Item) => ({ PutRequest: { Item } }));
      while (requests.length) {
        const out = await client.send(new BatchWriteCommand({ RequestItems: { [TableName]: requests } }));
        requests = (out.UnprocessedItems?.[TableName] ?? []) as typeof requests;
      }
    }),
    runPool(drawn.length, segments * 16, async (i) => {
      const s = drawn[i]!;
      const items = participantTransaction(s.application, wave, s.pool, now, newCardNumber());
      await client.send(new TransactWriteCommand({ TransactItems: items }));
      selected++;
    }),
  ]);
  const announceMs = performance.now() - started;
  return {
    selected,
    eligible: eligible.length,
    ms: { screen: screenMs, cut: cutMs, announce: announceMs },
    calls: meter.calls,
    billedWriteUnits: meter.billedWrite,
    billedReadUnits: meter.billedRead,
  };
}
