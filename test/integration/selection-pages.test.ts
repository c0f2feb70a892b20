import { beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { applicantPage, type SegmentCursor } from '#contexts/selection/store/applicants.ts';
import type { SentMessage } from '#local/sent.ts';
import { adminToken, call, stack } from '#test/support/api.ts';
import {
  loadApplicants,
  stackDirOf,
  stackLookupHash,
  syntheticApplicants,
} from '#test/support/applicants.ts';
import { outboxCaughtUp } from '#test/support/outbox.ts';
import { expectedSelection, exportSelection, runSelection, selectedIds } from '#test/support/selection.ts';

// What the selection's pages promise: a page holds whole family cards (so the cap is
// settled where a family meets), and a retried announce page writes the same outcomes
// again without telling anyone twice.

const scheme = {
  trainingBalanceIdr: 1_000_000,
  incentiveIdr: 600_000,
  incentiveMonths: 4,
  surveyIncentiveIdr: 50_000,
  surveyCount: 3,
};
const hoursFromNow = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
let token: string;

beforeAll(async () => {
  token = await adminToken();
  // The store's own reads, from this process, against the stack's table.
  Object.assign(process.env, { TABLE_NAME: stack().tableName, DYNAMODB_ENDPOINT: stack().dynamoEndpoint });
});

async function closedWave(quota: number) {
  const created = await call('POST', '/v1/admin/waves', {
    token,
    body: {
      name: 'Gelombang halaman',
      opensAt: hoursFromNow(-3),
      closesAt: hoursFromNow(-1),
      purchaseDeadlineDays: 30,
      scheme,
      quota,
    },
  });
  expect(created.status).toBe(201);
  return created.body.waveId as string;
}

describe('selection pages', () => {
  it('never split a family card, however small the page, and cover every applicant once', async () => {
    // Families of 3, and one of 7: larger than any page here. Twelve cards are a few to
    // each segment, which is all the promise needs (each page read is a query of its own).
    const applicants = [
      ...syntheticApplicants(33, { seed: 501, familySize: 3 }),
      ...syntheticApplicants(7, { seed: 502, familySize: 7 }),
    ];
    const waveId = await closedWave(10);
    await loadApplicants(stack(), stackDirOf(inject('stackLogFile')), waveId, applicants);
    const hash = stackLookupHash(stackDirOf(inject('stackLogFile')));
    const cardOf = new Map(applicants.map((a) => [a.accountId, hash('kk', a.kk)]));
    for (const [limit, segments] of [
      [1, 1],
      [2, 3],
      [5, 2],
    ] as const) {
      const seen: string[] = [];
      const pageOfCard = new Map<string, string>();
      for (let segment = 0; segment < segments; segment++) {
        let cursor: SegmentCursor | null = { slice: 0 };
        for (let n = 0; cursor; n++) {
          const page: Awaited<ReturnType<typeof applicantPage>> = await applicantPage(
            waveId,
            segment,
            segments,
            cursor,
            limit,
          );
          for (const a of page.items) {
            seen.push(a.accountId);
            const where = `${segment}/${n}`;
            expect(a.kkHash).toBe(cardOf.get(a.accountId));
            expect(pageOfCard.get(a.kkHash) ?? where, `card split at ${where}`).toBe(where);
            pageOfCard.set(a.kkHash, where);
          }
          cursor = page.next;
        }
      }
      expect(seen.sort()).toEqual(applicants.map((a) => a.accountId).sort());
    }
  });

  it('a retried announce page writes the same outcomes and sends each not-selected notice once', async () => {
    const applicants = syntheticApplicants(60, { seed: 503 });
    const waveId = await closedWave(10);
    await loadApplicants(stack(), stackDirOf(inject('stackLogFile')), waveId, applicants);
    // Once 30 of the page's outcomes are written (a batch of 25 not-drawn at least): the
    // retried page writes that batch again.
    const armed = await call('POST', '/_local/faults', {
      body: { point: 'selection.announce', segment: 0, afterItems: 30, times: 1 },
    });
    expect(armed.status).toBe(200);
    const seed = 'retried-page';
    const result = await runSelection(stack(), token, waveId, { seed, segments: 1, pageSize: 100 });
    expect((await call('GET', '/_local/faults?point=selection.announce')).body.fired).toBe(1);
    expect(result).toMatchObject({ status: 'SUCCEEDED', selected: 10, notSelected: 50 });
    const rows = await exportSelection(stack(), token, waveId);
    expect(selectedIds(rows)).toEqual(expectedSelection(rows, seed, 10, 0));

    const notices = async (email: string) =>
      (await call<{ items: SentMessage[] }>('GET', `/_local/sent?to=${encodeURIComponent(email)}`)).body
        .items;
    const notSelected = rows
      .filter((r) => r.outcome === 'NOT_SELECTED')
      .map((r) => `${r.accountId}@example.com`);
    // The stream hands each notice to its channel's queue, whose senders send it: once the
    // stream's sender has read past every record written now (a rewritten page's too) and
    // the queues are empty, every notice and any duplicate is out. (One request a poll, not
    // one per recipient.)
    await outboxCaughtUp();
    await vi.waitFor(
      async () => {
        const backlog = await call('GET', '/v1/admin/notices/backlog', { token });
        if (backlog.body.toSend !== 0) throw new Error(`${backlog.body.toSend} notices still queued`);
      },
      { timeout: 30_000, interval: 250 },
    );
    for (const email of notSelected) {
      const sent = await notices(email);
      expect(sent, email).toHaveLength(1);
      expect(sent[0]!.text).toContain('Gelombang halaman');
    }
  });
});
