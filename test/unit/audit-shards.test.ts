import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeRound, type ShardRead, walkTrail } from '#contexts/audit/rules/merge.ts';
import { AUDIT_SHARDS, auditIndex, auditShardOf } from '#platform/items.ts';

// The audit trail's shards read back as one list: an in-memory index with DynamoDB's
// Query semantics (newest first, `Limit` entries evaluated, then the filter, a last
// evaluated key whenever the limit was reached) stands behind the reader's port.

type Position = { hour: string; from: string; before?: string };

interface Entry {
  key: string;
  hour: string;
  shard: number;
  kept: boolean;
}

function index(entries: Entry[], from: string) {
  return async (
    hour: string,
    shard: number,
    before: string | undefined,
    limit: number,
  ): Promise<ShardRead<Entry>> => {
    const inShard = entries
      .filter((e) => e.hour === hour && e.shard === shard && e.key >= from && (!before || e.key <= before))
      .sort((a, b) => (a.key < b.key ? 1 : -1));
    const evaluated = inShard.slice(0, limit);
    return {
      items: evaluated.filter((e) => e.kept && e.key !== before),
      ...(evaluated.length === limit ? { lastKey: evaluated.at(-1)!.key } : {}),
    };
  };
}

const HOURS = ['2026-04-11T06', '2026-04-11T07', '2026-04-11T08'];
const entryArb = fc.record({
  hour: fc.constantFrom(...HOURS),
  minute: fc.integer({ min: 0, max: 59 }),
  // Few distinct seconds and milliseconds: many entries share an instant.
  ms: fc.integer({ min: 0, max: 3 }),
  id: fc.uuid(),
  kept: fc.boolean(),
});

describe('audit index shards', () => {
  it('puts an entry in one of 16 shards of its hour, from its id, evenly', () => {
    const at = '2026-04-11T08:15:00.123Z';
    expect(auditIndex({ at, id: 'r1', actor: 'a', kind: 'k' }).GSI1PK).toBe(
      `AUDIT#2026-04-11T08#${String(auditShardOf('r1')).padStart(2, '0')}`,
    );
    const counts = new Array(AUDIT_SHARDS).fill(0);
    for (let i = 0; i < 16_000; i++) counts[auditShardOf(`LEDGER#account-${i}#entry`)]++;
    // 1,000 expected a shard: none far off.
    for (const n of counts) expect(n).toBeGreaterThan(850);
    for (const n of counts) expect(n).toBeLessThan(1_150);
  });

  it('reads any spread of entries back exactly once, newest first, across pages of any size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(entryArb, { maxLength: 120, selector: (e) => e.id }),
        fc.array(fc.integer({ min: 1, max: 25 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 30 }),
        async (raw, pageSizes, maxRounds, extra) => {
          const entries = raw.map((e) => {
            const at = `${e.hour}:${String(e.minute).padStart(2, '0')}:00.00${e.ms}Z`;
            return { key: `${at}#${e.id}`, hour: e.hour, shard: auditShardOf(e.id), kept: e.kept };
          });
          const from = `${HOURS[0]}:00:00.000Z`;
          const expected = entries
            .filter((e) => e.kept)
            .map((e) => e.key)
            .sort()
            .reverse();
          const read = index(entries, from);
          const listed: string[] = [];
          let position: { hour: string; from: string; before?: string } | undefined = {
            hour: HOURS[2]!,
            from,
          };
          for (let page = 0; position; page++) {
            expect(page).toBeLessThan(500);
            const limit = pageSizes[page % pageSizes.length]!;
            const { found, next }: { found: Entry[]; next: Position | undefined } = await walkTrail(
              position,
              limit,
              { shards: AUDIT_SHARDS, maxRounds, perShard: (wanted) => Math.ceil(wanted / 8) + extra },
              read,
              (e) => e.key,
            );
            expect(found.length).toBeLessThanOrEqual(limit);
            listed.push(...found.map((e) => e.key));
            position = next;
          }
          expect(listed).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('merges a round only as far as no shard can still hold a newer entry', () => {
    const reads = [
      { items: ['k9', 'k5'], lastKey: 'k5' },
      { items: ['k8', 'k2'] },
      { items: [], lastKey: 'k7' },
    ];
    // Shard 3 evaluated down to k7 and may hold k6: k5 and k2 wait.
    expect(mergeRound(reads, 10, (k) => k)).toEqual({ taken: ['k9', 'k8'], before: 'k7' });
    expect(mergeRound(reads, 1, (k) => k)).toEqual({ taken: ['k9'], before: 'k9' });
    expect(mergeRound([{ items: ['b', 'a'] }, { items: ['c'] }], 5, (k) => k)).toEqual({
      taken: ['c', 'b', 'a'],
    });
  });
});
