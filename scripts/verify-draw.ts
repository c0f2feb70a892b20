// Recomputes a wave's draw from its export and its published seed, and says whether
// the backend selected exactly whom the rules say. Needs nothing of the backend but
// the export: anyone given it (an auditor, a journalist) can run this.
//
//   Online (--save keeps the export, to hand to others):
//     PRAKERJA_TOKEN=<admin token> npx tsx scripts/verify-draw.ts --api http://127.0.0.1:3000 --wave <waveId> [--save draw.json]
//   Offline, from a saved export:
//     npx tsx scripts/verify-draw.ts --export draw.json
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { drawKey, isSelected, type Pool, referenceCutoffs } from '#contexts/selection/rules/draw.ts';

export interface DrawExport {
  waveId: string;
  seed: string;
  quota: number;
  reservedQuota: number;
  applicants: { accountId: string; pool: Pool; eligible: boolean; outcome: string }[];
}

export interface Verdict {
  ok: boolean;
  selected: number;
  expected: number;
  /** Selected but should not have been, and the reverse. */
  unexpected: string[];
  missing: string[];
}

export function verifyDraw(data: DrawExport): Verdict {
  const candidates = data.applicants
    .filter((a) => a.eligible)
    .map((a) => ({ accountId: a.accountId, pool: a.pool, key: drawKey(data.seed, a.accountId) }));
  const cutoffs = referenceCutoffs(candidates, data.quota, data.reservedQuota);
  const expected = new Set(candidates.filter((c) => isSelected(c, cutoffs)).map((c) => c.accountId));
  const selected = new Set(data.applicants.filter((a) => a.outcome === 'SELECTED').map((a) => a.accountId));
  const unexpected = [...selected].filter((id) => !expected.has(id));
  const missing = [...expected].filter((id) => !selected.has(id));
  return {
    ok: !unexpected.length && !missing.length,
    selected: selected.size,
    expected: expected.size,
    unexpected,
    missing,
  };
}

async function download(api: string, waveId: string, token: string): Promise<DrawExport> {
  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(api + path, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  type Page<T> = { items: T[]; nextCursor: string | null };
  const all = async <T>(path: string): Promise<T[]> => {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<T> = await get<Page<T>>(`${path}?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  };
  const { seed } = await get<{ seed: string }>(`/v1/admin/waves/${waveId}/selection`);
  const waves = await all<{ waveId: string; quota: number; reservedQuota: number }>('/v1/waves');
  const wave = waves.find((w) => w.waveId === waveId);
  if (!wave) throw new Error(`no wave ${waveId}`);
  const applicants = await all<DrawExport['applicants'][number]>(
    `/v1/admin/waves/${waveId}/selection/export`,
  );
  return { waveId, seed, quota: wave.quota, reservedQuota: wave.reservedQuota, applicants };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      api: { type: 'string' },
      wave: { type: 'string' },
      export: { type: 'string' },
      save: { type: 'string' },
    },
  });
  let data: DrawExport;
  if (values.export) data = JSON.parse(readFileSync(values.export, 'utf8'));
  else if (values.api && values.wave && process.env.PRAKERJA_TOKEN) {
    data = await download(values.api, values.wave, process.env.PRAKERJA_TOKEN);
    if (values.save) writeFileSync(values.save, JSON.stringify(data));
    console.log(`${data.applicants.length} applicants exported${values.save ? ` to ${values.save}` : ''}`);
  } else {
    console.error('usage: --export <file> | --api <url> --wave <waveId> (with PRAKERJA_TOKEN set)');
    process.exit(2);
  }
  const verdict = verifyDraw(data);
  console.log(
    verdict.ok
      ? `OK: seed ${data.seed} selects exactly the ${verdict.selected} participant(s) recorded`
      : `MISMATCH: ${verdict.unexpected.length} selected unexpectedly, ${verdict.missing.length} missing`,
  );
  process.exit(verdict.ok ? 0 : 1);
}
