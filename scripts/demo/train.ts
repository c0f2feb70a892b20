import { DemoError, idempotency, pool } from './client.ts';
import { asCitizen, type Citizen, type Context, moveClock } from './context.ts';
import { rupiah } from './format.ts';
import { type CoursePlan, PLATFORMS } from './plan.ts';

// The platforms publish courses and sell them (purchase, the participant's SMS code,
// voucher, redemption, completion), participants review and answer surveys, link a payout
// account, and those who bought nothing by the deadline lose the card.

export async function publishCourses(ctx: Context, courses: CoursePlan[]) {
  const phase = ctx.progress.phase('courses', courses.length);
  await pool(courses, ctx.concurrency, async (course) => {
    const { platform, courseId, ...body } = course;
    await ctx.api.signedExpect(
      `publish ${platform}/${courseId}`,
      [200, 201],
      ctx.api.partnerKey(platform),
      'PUT',
      `/v1/partner/courses/${courseId}`,
      body,
    );
    phase.tick();
  });
  phase.end(`${courses.length} courses on ${PLATFORMS.length} platforms`);
}

export async function sell(ctx: Context, citizens: Citizen[], courses: CoursePlan[]) {
  const buyers = citizens.filter((c) => c.selected && c.plan.buys);
  const phase = ctx.progress.phase('purchases', buyers.length);
  let completed = 0;
  await pool(buyers, ctx.concurrency, async (c) => {
    const p = c.plan;
    const course = courses.find((x) => x.platform === p.platform && x.courseId === `demo-${p.course + 1}`)!;
    const key = ctx.api.partnerKey(p.platform);
    const base = '/v1/partner/purchases';
    const step = (name: string) => `${name} (${p.platform}, citizen #${p.index})`;
    const created = await ctx.api.signedExpect<{ purchaseId: string }>(
      step('purchase'),
      [201],
      key,
      'POST',
      base,
      {
        cardNumber: c.cardNumber,
        courseId: course.courseId,
      },
    );
    const id = created.purchaseId;
    const otp = await ctx.api.code(p.phone, 'purchase-otp');
    const paid = await ctx.api.signedExpect<{ voucherCode: string; balanceAfterIdr: number }>(
      step('confirm the purchase'),
      [200],
      key,
      'POST',
      `${base}/${id}/confirmation`,
      { otp },
    );
    c.purchase = {
      purchaseId: id,
      platform: p.platform,
      courseId: course.courseId,
      priceIdr: course.priceIdr,
      completed: false,
    };
    await ctx.api.signedExpect(step('redeem the voucher'), [200], key, 'POST', `${base}/${id}/redemption`, {
      voucherCode: paid.voucherCode,
    });
    if (p.completes) {
      await ctx.api.signedExpect(
        step('report the completion'),
        [200],
        key,
        'POST',
        `${base}/${id}/completion`,
        {
          completedAt: new Date().toISOString(),
          certificateNumber: `SERT-${p.platform.toUpperCase()}-${String(p.index).padStart(6, '0')}`,
        },
      );
      c.purchase.completed = true;
      completed++;
    }
    phase.tick();
    phase.note = `${completed} completed`;
  });
  phase.end(`${completed} completed`);
}

const COMMENTS = [
  'Materinya bermanfaat dan mudah dipahami.',
  'Instruktur menjelaskan dengan jelas.',
  'Cukup baik, tapi videonya kadang lambat.',
  'Sangat membantu untuk usaha saya.',
  'Latihannya kurang banyak.',
];

export async function aftercare(ctx: Context, citizens: Citizen[]) {
  const completers = citizens.filter((c) => c.purchase?.completed);
  const phase = ctx.progress.phase('reviews, accounts', completers.length);
  let linked = 0;
  await pool(completers, ctx.concurrency, async (c) => {
    const p = c.plan;
    if (p.reviews) {
      await asCitizen(ctx, c, 'review', [201], 'POST', `/v1/me/purchases/${c.purchase!.purchaseId}/review`, {
        body: { rating: p.rating, comment: COMMENTS[p.index % COMMENTS.length] },
        headers: idempotency(),
      });
      c.reviewed = true;
      for (let n = 1; n <= p.surveys; n++) {
        await asCitizen(ctx, c, `survey ${n}`, [201], 'POST', `/v1/me/surveys/${n}`, {
          body: {
            answers: {
              employedNow: p.index % 3 === 0,
              monthlyIncomeIdr: 1_500_000 + (p.index % 7) * 250_000,
              q1: 'Ya',
            },
          },
          headers: idempotency(),
        });
        c.surveys = n;
      }
    }
    if (p.links) {
      const bank = p.payoutPartner === 'bni';
      const accountNumber = bank ? p.bankAccount : p.phone;
      if (bank)
        // The participant's own account at the bank (the simulator's books).
        await ctx.api.expect(
          'open the bank account',
          [201],
          'POST',
          `/_local/payment-partners/${p.payoutPartner}/accounts`,
          {
            body: { accountNumber, holderName: p.fullName, nik: p.identity.nik },
          },
        );
      const put = await asCitizen<{ status: string; reason?: string }>(
        ctx,
        c,
        'link the payout account',
        [202],
        'PUT',
        '/v1/me/payout-account',
        {
          body: { partnerCode: p.payoutPartner, accountNumber },
        },
      );
      if (put.body.status !== 'PENDING_VERIFICATION')
        throw new DemoError(
          `link ${p.payoutPartner} for citizen #${p.index}: ${put.body.status} ${put.body.reason ?? ''}`,
        );
      const otp = await ctx.api.code(p.phone, 'payout-account-otp');
      await asCitizen(
        ctx,
        c,
        'confirm the payout account',
        [200],
        'POST',
        '/v1/me/payout-account/confirmation',
        {
          body: { otp },
        },
      );
      c.linked = true;
      c.accountNumber = accountNumber;
      linked++;
    }
    phase.tick();
    phase.note = `${linked} accounts linked`;
  });
  phase.end(`${citizens.filter((c) => c.reviewed).length} reviewed, ${linked} accounts linked`);
}

export interface Sweep {
  revoked: number;
  skipped: number;
  returnedIdr: number;
  placesFreed: number;
}

/** The purchase deadline passes (the clock moves past it): the sweep revokes whoever
 *  bought nothing, their balance returns to the treasury and their places to the pool. */
export async function deadline(ctx: Context, citizens: Citizen[]): Promise<Sweep> {
  const phase = ctx.progress.phase('purchase deadline');
  const deadlines = citizens.filter((c) => c.selected).map((c) => Date.parse(c.purchaseDeadline!));
  if (!deadlines.length) {
    phase.end('nobody was selected');
    return { revoked: 0, skipped: 0, returnedIdr: 0, placesFreed: 0 };
  }
  const pool0 = await ctx.api.expect('read the quota pool', [200], 'GET', '/v1/admin/quota-pool', {
    token: ctx.admin,
  });
  await moveClock(ctx, new Date(Math.max(...deadlines) + 60_000));
  phase.note = 'clock moved past the deadline';
  const swept = await ctx.api.expect<{ revoked: number; skipped: number }>(
    'run the deadline sweep',
    [200],
    'POST',
    '/_local/schedules/revoke-missed-deadlines',
  );
  await moveClock(ctx, null);
  const pool1 = await ctx.api.expect('read the quota pool', [200], 'GET', '/v1/admin/quota-pool', {
    token: ctx.admin,
  });
  const result = {
    ...swept,
    returnedIdr: pool1.returnedIdr - pool0.returnedIdr,
    placesFreed: pool1.availablePlaces - pool0.availablePlaces,
  };
  phase.end(`${result.placesFreed} places back to the pool, ${rupiah(result.returnedIdr)} to the treasury`);
  return result;
}
