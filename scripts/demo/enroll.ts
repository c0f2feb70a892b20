import { DemoError, pool } from './client.ts';
import { asCitizen, type Citizen, type Context } from './context.ts';
import { profileOf } from './plan.ts';

// The wave opens and the citizens come: account, the email's code from the outbox, sign-in,
// personal data and declarations, "Gabung". Each citizen goes as far as the plan says.

export const SCHEME = {
  trainingBalanceIdr: 3_500_000,
  incentiveIdr: 600_000,
  incentiveMonths: 1,
  surveyIncentiveIdr: 50_000,
  surveyCount: 2,
};
/** The wave closes two hours after it opens; the demo moves the clock past it. */
export const WAVE_HOURS = 2;

export interface Wave {
  waveId: string;
  closesAt: string;
  quota: number;
  reservedQuota: number;
}

/** Quota about half of those expected to pass screening; a tenth reserved for the laid-off. */
export async function createWave(ctx: Context, citizens: Citizen[]): Promise<Wave> {
  const expectedEligible = citizens.filter(
    ({ plan: p }) => p.joins && !p.declares && !p.underAge && !p.agencyList,
  ).length;
  const quota = Math.max(1, Math.round(expectedEligible / 2));
  const reservedQuota = Math.round(quota / 10);
  const now = Date.now();
  const wave = await ctx.api.expect<Wave>('create the wave', [201], 'POST', '/v1/admin/waves', {
    token: ctx.admin,
    body: {
      name: `Gelombang demo ${ctx.tag}`,
      opensAt: new Date(now - 60_000).toISOString(),
      closesAt: new Date(now + WAVE_HOURS * 3_600_000).toISOString(),
      quota,
      reservedQuota,
      purchaseDeadlineDays: 15,
      scheme: SCHEME,
    },
  });
  return wave;
}

export async function enroll(ctx: Context, citizens: Citizen[], waveId: string) {
  const phase = ctx.progress.phase('registration', citizens.length);
  let joined = 0;
  await pool(citizens, ctx.concurrency, async (c) => {
    const p = c.plan;
    const created = await ctx.api.call('POST', '/v1/accounts', {
      body: { fullName: p.fullName, email: p.email, password: p.password, phone: p.phone },
    });
    if (created.status === 409)
      throw new DemoError(
        `citizen #${p.index} is already registered on this stack (${p.email}): run the demo with another --seed`,
      );
    if (created.status !== 201)
      throw new DemoError(
        `register citizen #${p.index}: HTTP ${created.status} ${JSON.stringify(created.body)}`,
      );
    c.accountId = created.body.accountId;
    // Registration sends the email's code only: the phone is verified once selected.
    if (p.verifiesEmail) await verifyChannel(ctx, c, 'email');
    c.verified = p.verifiesEmail;
    if (c.verified && p.fillsProfile) {
      await asCitizen(ctx, c, 'profile', [200], 'PUT', '/v1/me/profile', { body: profileOf(p) });
      c.profiled = true;
      if (p.joins) {
        // Declarations and age are judged at the door: 403 ineligible is the expected answer.
        const expected = p.declares || p.underAge ? 403 : 201;
        await asCitizen(ctx, c, 'join', [expected], 'POST', `/v1/me/waves/${waveId}/join`);
        c.joined = expected === 201;
        if (c.joined) joined++;
      }
    }
    phase.tick();
    phase.note = `${joined} joined`;
  });
  phase.end(`${joined} joined`);
}

/** A channel verified as the citizen does it: the phone's code is sent on request. */
export async function verifyChannel(ctx: Context, c: Citizen, channel: 'email' | 'phone') {
  const p = c.plan;
  if (channel === 'phone')
    await ctx.api.expect('ask for the phone code', [202], 'POST', '/v1/accounts/codes', {
      body: { email: p.email, channel },
    });
  const code = await ctx.api.code(channel === 'email' ? p.email : p.phone, `verify-${channel}`);
  await ctx.api.expect(`verify the ${channel}`, [200], 'POST', '/v1/accounts/verify', {
    body: { email: p.email, channel, code },
  });
}
