// npm run bench:messaging [-- --n=1000 --rate=0.04 --concurrency=16] [-- --stack=<STACK_DIR>]
// The messages a cohort costs, counted from what the local stack's SES and SNS stand-ins
// delivered (GET /_local/sent): n citizens register, verify what the backend asks for,
// fill the profile and join a wave whose quota selects `rate` of them; the draw
// announces; the selected verify their phone if it is not verified yet (they need it to
// buy). Only public routes and the local ones, so it measures any version of the
// backend: with --stack it uses a stack already running (its stack.json), otherwise it
// starts a fresh one. Purchase and payout codes come later and are the same either way.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { profileBody, randomIdentity } from '#scripts/lib/nik.ts';
import { argNumber, round, runPool } from '#test/bench/stats.ts';
import { type CallOptions, request } from '#test/support/http.ts';
import { spawnStack } from '#test/support/spawn-stack.ts';
import { waveBody } from '#test/support/waves.ts';

const n = argNumber('n', 1000);
const concurrency = argNumber('concurrency', 16);
const rate = Number(process.argv.find((a) => a.startsWith('--rate='))?.slice(7) ?? 0.04);
const stackDir = process.argv.find((a) => a.startsWith('--stack='))?.slice(8);
/** USD: an Indonesian A2P SMS (local aggregators ~0.03, international routes ~0.07), SES. */
const SMS_USD = { low: 0.03, mid: 0.05, high: 0.07 };
const EMAIL_USD = 0.1 / 1000;

const spawned = stackDir ? undefined : await spawnStack();
const info = spawned?.info ?? JSON.parse(readFileSync(join(stackDir!, 'stack.json'), 'utf8'));
const call = (method: string, path: string, options?: CallOptions) =>
  request(info.apiUrl, method, path, options);
const run = Date.now().toString(36);
const PASSWORD = 'correct horse battery';

async function ok(what: string, r: Promise<{ status: number; body: any }>, statuses = [200, 201, 202]) {
  const out = await r;
  if (!statuses.includes(out.status)) throw new Error(`${what}: ${out.status} ${JSON.stringify(out.body)}`);
  return out.body;
}
const slugOf = (body: any) =>
  String(body?.type ?? '')
    .split('/')
    .pop();
const outboxCode = async (to: string, template: string) => {
  for (let i = 0; i < 50; i++) {
    const items = (await call('GET', `/_local/outbox?to=${encodeURIComponent(to)}`)).body.items ?? [];
    const code = items.find((m: { template: string }) => m.template === template)?.code;
    if (code) return code as string;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no ${template} code for ${to}`);
};
const verify = async (email: string, channel: 'email' | 'phone', to: string) =>
  ok(
    `verify ${channel}`,
    call('POST', '/v1/accounts/verify', {
      body: { email, channel, code: await outboxCode(to, `verify-${channel}`) },
    }),
  );
/** The phone's verification as a citizen does it: a code on request (an older backend sent
 *  one at registration and answers the request without a second within the minute). */
const verifyPhone = async (c: { email: string; phone: string }) => {
  await ok('phone code', call('POST', '/v1/accounts/codes', { body: { email: c.email, channel: 'phone' } }));
  await verify(c.email, 'phone', c.phone);
};

interface Registrant {
  email: string;
  phone: string;
}

try {
  const admin = info.admins.find((a: { role: string }) => a.role === 'admin');
  const adminToken = async () =>
    (
      await ok(
        'admin',
        call('POST', '/v1/sessions', { body: { email: admin.email, password: admin.password } }),
      )
    ).accessToken as string;
  const quota = Math.max(1, Math.round(n * rate));
  const wave = await ok(
    'wave',
    call('POST', '/v1/admin/waves', {
      token: await adminToken(),
      body: waveBody({
        name: `Messaging cohort ${run}`,
        opensAt: new Date(Date.now() - 60_000).toISOString(),
        closesAt: new Date(Date.now() + 86_400_000).toISOString(),
        quota,
        purchaseDeadlineDays: 30,
        incentiveMonths: 4,
      }),
    }),
  );
  const cohort: Registrant[] = [];
  let phoneBeforeProfile = 0;
  await runPool(n, concurrency, async (i) => {
    const c = {
      email: `cohort-${run}-${i}@example.com`,
      phone: `+6285${String(Date.now() % 1000).padStart(3, '0')}${String(i).padStart(6, '0')}`,
    };
    await ok(
      'account',
      call('POST', '/v1/accounts', { body: { fullName: 'Warga Kohort', ...c, password: PASSWORD } }),
    );
    await verify(c.email, 'email', c.email);
    const signIn = async () =>
      (await ok('session', call('POST', '/v1/sessions', { body: { email: c.email, password: PASSWORD } })))
        .accessToken as string;
    const token = await signIn();
    const body = profileBody(randomIdentity());
    let profile = await call('PUT', '/v1/me/profile', { token, body });
    if (profile.status === 409 && slugOf(profile.body) === 'not-verified') {
      // A backend that wants the phone before the profile (the flow before this change).
      phoneBeforeProfile += 1;
      await verifyPhone(c);
      profile = await call('PUT', '/v1/me/profile', { token, body });
    }
    await ok('profile', Promise.resolve(profile));
    await ok('join', call('POST', `/v1/me/waves/${wave.waveId}/join`, { token }));
    cohort.push(c);
  });

  // The wave closes (the backend's clock), the draw announces; then the real clock again.
  await ok(
    'clock',
    call('POST', '/_local/clock', { body: { now: new Date(Date.now() + 2 * 86_400_000).toISOString() } }),
  );
  try {
    const token = await adminToken();
    // The draw waits for the civil registry's checks (409 registry-checks-pending).
    while (
      (await ok('funnel', call('GET', `/v1/admin/waves/${wave.waveId}/funnel`, { token })))
        .pendingRegistryChecks
    )
      await new Promise((resolve) => setTimeout(resolve, 500));
    await ok(
      'selection',
      call('POST', `/v1/admin/waves/${wave.waveId}/selection`, { token, body: { seed: `cohort-${run}` } }),
    );
    for (;;) {
      const s = await ok('selection', call('GET', `/v1/admin/waves/${wave.waveId}/selection`, { token }));
      if (s.status === 'FAILED') throw new Error('selection failed');
      if (s.status === 'SUCCEEDED') break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    await call('DELETE', '/_local/clock');
  }

  // The selected verify their phone before their first purchase, if it is not yet.
  let selected = 0;
  let phoneAfterSelection = 0;
  await runPool(cohort.length, concurrency, async (i) => {
    const c = cohort[i]!;
    const token = (
      await ok('session', call('POST', '/v1/sessions', { body: { email: c.email, password: PASSWORD } }))
    ).accessToken as string;
    const me = await ok('me', call('GET', '/v1/me', { token }));
    if (me.waves[0]?.outcome !== 'SELECTED') return;
    selected += 1;
    if (!me.verification.phone) {
      phoneAfterSelection += 1;
      await verifyPhone(c);
    }
  });

  // What the stand-ins delivered, once the stream's sender has gone quiet.
  const count = async () => {
    const totals = { email: 0, sms: 0 };
    await runPool(cohort.length * 2, 32, async (i) => {
      const c = cohort[i >> 1]!;
      const to = i % 2 ? c.phone : c.email;
      const items = (await call('GET', `/_local/sent?to=${encodeURIComponent(to)}`)).body.items as {
        channel: 'email' | 'sms';
      }[];
      for (const m of items) totals[m.channel] += 1;
    });
    return totals;
  };
  let last = await count();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const now = await count();
    if (now.email === last.email && now.sms === last.sms) break;
    last = now;
  }
  const registrants = cohort.length;
  const per = (x: number) => round(x / registrants, 4);
  const cost = (sms: number) => round((per(last.sms) * sms + per(last.email) * EMAIL_USD) * 1000, 2);
  const figures = {
    bench: 'messaging',
    registrants,
    selected,
    phoneVerifiedBeforeProfile: phoneBeforeProfile,
    phoneVerifiedAfterSelection: phoneAfterSelection,
    emails: last.email,
    sms: last.sms,
    emailsPerRegistrant: per(last.email),
    smsPerRegistrant: per(last.sms),
    smsUsd: SMS_USD,
    emailUsd: EMAIL_USD,
    usdPer1000Registrants: { low: cost(SMS_USD.low), mid: cost(SMS_USD.mid), high: cost(SMS_USD.high) },
  };
  console.log(
    `${registrants} registrants, ${selected} selected: ${last.email} emails and ${last.sms} SMS delivered (${figures.emailsPerRegistrant} and ${figures.smsPerRegistrant} per registrant); USD ${figures.usdPer1000Registrants.mid} per 1,000 registrants at USD ${SMS_USD.mid} an SMS`,
  );
  console.log(JSON.stringify(figures));
} finally {
  await spawned?.stop();
}
