import { DemoError, pool } from './client.ts';
import { asCitizen, type Citizen, type Context, moveClock } from './context.ts';
import { verifyChannel, type Wave } from './enroll.ts';
import { strangerNiks } from './plan.ts';

// The agencies' lists reach the PMO, the wave closes (the clock moves past it), the draw
// runs with a published seed, and the selected see their card on GET /v1/me and verify
// their phone (they need it to buy).

export interface Selection {
  status: string;
  seed: string;
  applicants: number;
  eligible: number;
  priorityEligible: number;
  selected: number;
  reservedSelected: number;
  excludedByReason: Record<string, number>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function importNiks(ctx: Context, path: string, niks: string[]) {
  for (let i = 0; i < niks.length; i += 10_000)
    await ctx.api.expect(`import ${path}`, [200, 201], 'POST', path, {
      token: ctx.admin,
      body: { niks: niks.slice(i, i + 10_000) },
    });
}

export async function importLists(ctx: Context, citizens: Citizen[]) {
  const phase = ctx.progress.phase('agency lists');
  const byList = new Map<string, string[]>();
  for (const { plan } of citizens)
    if (plan.agencyList)
      byList.set(plan.agencyList, [...(byList.get(plan.agencyList) ?? []), plan.identity.nik]);
  let excluded = 0;
  for (const [list, niks] of byList) {
    await importNiks(ctx, `/v1/admin/exclusion-lists/${list}/entries`, [
      ...niks,
      ...strangerNiks(Math.ceil(niks.length / 2), ctx.random),
    ]);
    excluded += niks.length;
  }
  const laidOff = citizens.filter((c) => c.plan.laidOffListed).map((c) => c.plan.identity.nik);
  await importNiks(ctx, '/v1/admin/priority-lists/laid-off/entries', [
    ...laidOff,
    ...strangerNiks(Math.ceil(laidOff.length / 4), ctx.random),
  ]);
  phase.end(
    `${excluded} citizens on ${byList.size} exclusion lists, ${laidOff.length} laid-off on the priority list`,
  );
}

export async function select(ctx: Context, wave: Wave, citizens: Citizen[]): Promise<Selection> {
  const phase = ctx.progress.phase('selection');
  // The wave closes: the backend's clock moves a minute past it.
  await moveClock(ctx, new Date(Date.parse(wave.closesAt) + 60_000));
  phase.note = 'clock moved past the close';
  const seed = `gelombang-demo-${ctx.tag}`;
  // As the operator does: the draw starts once no applicant waits for the civil registry
  // (else it answers 409 registry-checks-pending; docs/registry.md).
  const checksDeadline = Date.now() + 5 * 60_000;
  for (;;) {
    const funnel = await ctx.api.expect<{ pendingRegistryChecks: number }>(
      'read the funnel',
      [200],
      'GET',
      `/v1/admin/waves/${wave.waveId}/funnel`,
      { token: ctx.admin },
    );
    if (funnel.pendingRegistryChecks === 0) break;
    phase.note = `${funnel.pendingRegistryChecks} registry checks pending`;
    if (Date.now() > checksDeadline) throw new DemoError('registry checks still pending after 5 minutes');
    await sleep(500);
  }
  await ctx.api.expect('start the selection', [202], 'POST', `/v1/admin/waves/${wave.waveId}/selection`, {
    token: ctx.admin,
    // Segments split the scan (any number gives the same draw): a small wave needs few.
    body: {
      seed,
      segments: Math.max(1, Math.min(16, Math.ceil(citizens.filter((c) => c.joined).length / 125))),
    },
  });
  let selection: Selection;
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    selection = await ctx.api.expect<Selection>(
      'read the selection',
      [200],
      'GET',
      `/v1/admin/waves/${wave.waveId}/selection`,
      { token: ctx.admin },
    );
    phase.note = `${selection.status}: ${selection.applicants} applicants`;
    if (selection.status !== 'RUNNING') break;
    if (Date.now() > deadline) throw new DemoError('the selection did not finish within 30 minutes');
    await sleep(500);
  }
  if (selection.status !== 'SUCCEEDED')
    throw new DemoError(`the selection ended ${selection.status}: ${JSON.stringify(selection)}`);
  // Who was drawn: the export (no personal data) lists each applicant's outcome.
  const outcome = new Map<string, string>();
  let cursor: string | null = null;
  do {
    const page: { items: { accountId: string; outcome: string }[]; nextCursor: string | null } =
      await ctx.api.expect(
        'export the selection',
        [200],
        'GET',
        `/v1/admin/waves/${wave.waveId}/selection/export?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token: ctx.admin },
      );
    for (const item of page.items) outcome.set(item.accountId, item.outcome);
    cursor = page.nextCursor;
  } while (cursor);
  // Back to real time: partners sign with their own clock.
  await moveClock(ctx, null);
  const selected = citizens.filter((c) => c.joined && outcome.get(c.accountId!) === 'SELECTED');
  phase.set(0, selected.length, 'cards issued: reading GET /v1/me');
  await pool(selected, ctx.concurrency, async (c) => {
    const me = await asCitizen<{ participant?: { cardNumber: string; purchaseDeadline: string } }>(
      ctx,
      c,
      'read the card',
      [200],
      'GET',
      '/v1/me',
    );
    if (!me.body.participant) throw new DemoError(`citizen #${c.plan.index} was drawn but has no card`);
    c.selected = true;
    c.cardNumber = me.body.participant.cardNumber;
    c.purchaseDeadline = me.body.participant.purchaseDeadline;
    // Told by email to verify the phone before buying: most do it now.
    if (c.plan.verifiesPhone) await verifyChannel(ctx, c, 'phone');
    phase.tick();
  });
  phase.end(
    `${selection.selected} of ${selection.eligible} eligible drawn (${selection.reservedSelected} reserved), seed ${seed}`,
  );
  return selection;
}
