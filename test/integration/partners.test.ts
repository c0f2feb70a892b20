import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PARTNER_CACHE_TTL_MS } from '#contexts/partners/store/partners.ts';
import { adminToken, call, stack } from '#test/support/api.ts';
import { CRITERIA, onboardedPartner, seeded, signed } from '#test/support/partners.ts';

const course = (title = 'Pemasaran digital') =>
  JSON.stringify({
    title,
    institution: { id: 'lp-maju', name: 'LP Maju Jaya' },
    priceIdr: 750_000,
    mode: 'online',
    category: 'marketing',
  });
const now = () => Math.floor(Date.now() / 1000);

/** Runs `check` with the backend clock moved just past the partner cache's TTL: a
 *  revocation or suspension must hold by then in every container (docs/partners.md). */
async function afterCacheTtl(check: () => Promise<void>): Promise<void> {
  try {
    const later = new Date(Date.now() + PARTNER_CACHE_TTL_MS + 1000).toISOString();
    await call('POST', '/_local/clock', { body: { now: later } });
    await check();
  } finally {
    await call('DELETE', '/_local/clock');
  }
}

describe('partner registry', () => {
  it('walks the onboarding lifecycle, refuses skipped steps and LIVE without the four criteria, and audits every move', async () => {
    const token = await adminToken();
    const created = await call('POST', '/v1/admin/partners', {
      token,
      body: { name: 'Hacktiv8', kind: 'platform', code: `hacktiv8-${now()}` },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'APPLIED',
      kind: 'platform',
      criteria: null,
      activeKeys: 0,
    });
    const id = created.body.partnerId;
    const move = (to: string, extra: Record<string, unknown> = {}) =>
      call('POST', `/v1/admin/partners/${id}/transitions`, {
        token,
        body: { to, note: `to ${to}`, ...extra },
      });

    const skip = await move('LIVE', { criteria: CRITERIA });
    expect(skip.status).toBe(409);
    expect(skip.body.type).toMatch(/invalid-transition$/);
    for (const to of ['MOU_SIGNED', 'AGREEMENT_SIGNED', 'INTEGRATING'])
      expect((await move(to)).status).toBe(200);
    const noCriteria = await move('LIVE');
    expect(noCriteria.status).toBe(409);
    expect(noCriteria.body.type).toMatch(/criteria-not-met$/);
    const partial = await move('LIVE', { criteria: { ...CRITERIA, pseRegistered: false } });
    expect(partial.body.type).toMatch(/criteria-not-met$/);
    const live = await move('LIVE', { criteria: CRITERIA });
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({ status: 'LIVE', criteria: CRITERIA });
    expect((await move('SUSPENDED')).status).toBe(200);
    expect((await move('INTEGRATING')).status).toBe(409);
    expect((await move('LIVE')).status).toBe(200); // reinstated: the criteria stay recorded

    const view = await call('GET', `/v1/admin/partners/${id}`, { token });
    expect(view.body.status).toBe('LIVE');
    const moves = view.body.audit.filter((a: { action: string }) => a.action === 'transition');
    expect(moves.map((a: { to: string }) => a.to)).toEqual([
      'MOU_SIGNED',
      'AGREEMENT_SIGNED',
      'INTEGRATING',
      'LIVE',
      'SUSPENDED',
      'LIVE',
    ]);
    for (const a of moves)
      expect(a).toMatchObject({ by: expect.any(String), at: expect.any(String), note: `to ${a.to}` });

    const duplicate = await call('POST', '/v1/admin/partners', {
      token,
      body: { name: 'Again', kind: 'payment', code: created.body.code },
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.type).toMatch(/duplicate-partner-code$/);
    expect(
      (await call('POST', '/v1/admin/partners/nope/transitions', { token, body: { to: 'LIVE', note: 'x' } }))
        .status,
    ).toBe(404);
  });

  it('lets exactly one of 10 concurrent identical moves happen', async () => {
    const { partnerId, token } = await onboardedPartner('payment', { until: 'APPLIED' });
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        call('POST', `/v1/admin/partners/${partnerId}/transitions`, {
          token,
          body: { to: 'MOU_SIGNED', note: 'MoU' },
        }),
      ),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(9);
    const view = await call('GET', `/v1/admin/partners/${partnerId}`, { token });
    expect(view.body.audit.filter((a: { action: string }) => a.action === 'transition')).toHaveLength(1);
  });

  it('lists partners with status and criteria, seeded ones included', async () => {
    const token = await adminToken();
    const seen: { code: string; status: string }[] = [];
    let cursor: string | null = null;
    do {
      const page: {
        status: number;
        body: { items: { code: string; status: string }[]; nextCursor: string | null };
      } = await call('GET', `/v1/admin/partners?limit=7${cursor ? `&cursor=${cursor}` : ''}`, { token });
      expect(page.status).toBe(200);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.find((p) => p.code === 'tokopedia')).toMatchObject({ status: 'LIVE' });
    expect(seen.find((p) => p.code === 'mandiri')).toMatchObject({ status: 'MOU_SIGNED' });
  });
});

describe('partner keys', () => {
  it('holds two keys during rotation, refuses a third, and refuses a revoked key within the cache TTL', async () => {
    const { partnerId, token, key: first } = await onboardedPartner('platform');
    const second = await call('POST', `/v1/admin/partners/${partnerId}/credentials`, { token });
    expect(second.status).toBe(201);
    const third = await call('POST', `/v1/admin/partners/${partnerId}/credentials`, { token });
    expect(third.status).toBe(409);
    expect(third.body.type).toMatch(/too-many-keys$/);
    const put = (key: typeof first) =>
      signed(key, { method: 'PUT', path: '/v1/partner/courses/rotation', body: course() });
    expect((await put(first)).status).toBe(201);
    expect((await put(second.body)).status).toBe(200);

    const revoked = await call('DELETE', `/v1/admin/partners/${partnerId}/credentials/${first.keyId}`, {
      token,
    });
    expect(revoked.status).toBe(200);
    await afterCacheTtl(async () => {
      expect((await put(first)).status).toBe(401);
      expect((await put(second.body)).status).toBe(200);
    });
    expect(
      (await call('DELETE', `/v1/admin/partners/${partnerId}/credentials/${first.keyId}`, { token })).status,
    ).toBe(404);
    expect((await call('POST', `/v1/admin/partners/${partnerId}/credentials`, { token })).status).toBe(201);

    const view = await call('GET', `/v1/admin/partners/${partnerId}`, { token });
    expect(view.body.keys.map((k: { status: string }) => k.status).sort()).toEqual([
      'ACTIVE',
      'ACTIVE',
      'REVOKED',
    ]);
    expect(JSON.stringify(view.body)).not.toContain(first.secret);
    expect(view.body.audit.map((a: { action: string }) => a.action)).toEqual(
      expect.arrayContaining(['created', 'key-issued', 'key-revoked']),
    );
  });
});

describe('request signing', () => {
  const tokopedia = () => seeded('tokopedia');
  const path = '/v1/partner/courses/signing-check';

  it('accepts a correctly signed request and answers 401 to everything else about the signature', async () => {
    expect((await signed(tokopedia(), { method: 'PUT', path, body: course() })).status).toBeLessThan(300);
    const ok = await signed(tokopedia(), { method: 'PUT', path, body: course(), timestamp: now() - 290 });
    expect(ok.status).toBe(200);

    const headers = (extra: Record<string, string>) => ({ 'content-type': 'application/json', ...extra });
    const raw = (h: Record<string, string>, body = course()) =>
      fetch(stack().apiUrl + path, { method: 'PUT', headers: headers(h), body }).then((r) => r.status);
    const { signatureHeaders } = await import('../../scripts/sign-request.ts');
    const good = signatureHeaders(tokopedia(), { method: 'PUT', path, body: course() });

    expect(await raw({})).toBe(401); // unsigned
    expect(await raw(good, course('tampered title'))).toBe(401); // body changed after signing
    const flipped = good['x-prakerja-signature']!.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    expect(await raw({ ...good, 'x-prakerja-signature': flipped })).toBe(401);
    expect(await raw({ ...good, 'x-prakerja-key-id': 'pk_unknown' })).toBe(401);
    expect(await raw({ ...good, 'x-prakerja-timestamp': 'yesterday' })).toBe(401);
    const expired = await signed(tokopedia(), {
      method: 'PUT',
      path,
      body: course(),
      timestamp: now() - 301,
    });
    expect(expired.status).toBe(401);
    expect(expired.body.type).toMatch(/unauthorized$/);
    // now() is rounded down: +302 is more than 300 s ahead of the server however late in
    // its second the request is signed and however long it takes to arrive (under 1 s).
    expect(
      (await signed(tokopedia(), { method: 'PUT', path, body: course(), timestamp: now() + 302 })).status,
    ).toBe(401);
    // Signed for another path, replayed on this one.
    const other = signatureHeaders(tokopedia(), {
      method: 'PUT',
      path: '/v1/partner/courses/other',
      body: course(),
    });
    expect(await raw(other)).toBe(401);
  });

  it('checks the window on the backend clock', async () => {
    try {
      await call('POST', '/_local/clock', { body: { now: new Date(Date.now() + 3_600_000).toISOString() } });
      expect((await signed(tokopedia(), { method: 'PUT', path, body: course() })).status).toBe(401);
      const backendNow = now() + 3600;
      expect(
        (await signed(tokopedia(), { method: 'PUT', path, body: course(), timestamp: backendNow })).status,
      ).toBe(200);
    } finally {
      await call('DELETE', '/_local/clock');
    }
  });

  it('refuses with 403 a payment partner on a platform route, and a platform that is not LIVE or is suspended', async () => {
    expect((await signed(seeded('bni'), { method: 'PUT', path, body: course() })).status).toBe(403);
    const integrating = await onboardedPartner('platform', { until: 'INTEGRATING' });
    expect((await signed(integrating.key, { method: 'PUT', path, body: course() })).status).toBe(403);
    const live = await onboardedPartner('platform');
    expect((await signed(live.key, { method: 'PUT', path, body: course() })).status).toBe(201);
    await call('POST', `/v1/admin/partners/${live.partnerId}/transitions`, {
      token: live.token,
      body: { to: 'SUSPENDED', note: 'suspected fraud' },
    });
    await afterCacheTtl(async () => {
      const suspended = await signed(live.key, { method: 'PUT', path, body: course() });
      expect(suspended.status).toBe(403);
      expect(suspended.body.type).toMatch(/forbidden$/);
    });
  });

  it('refuses a revoked key and a suspended partner on the purchase routes within the cache TTL', async () => {
    const { partnerId, token, key } = await onboardedPartner('platform');
    const purchases = () =>
      signed(key, {
        method: 'POST',
        path: '/v1/partner/purchases',
        body: JSON.stringify({ cardNumber: '0000000000000000', courseId: 'none' }),
        idempotencyKey: crypto.randomUUID(),
      });
    // Cached by this request: the revocation below must still reach it.
    expect((await purchases()).status).toBe(404);
    await call('DELETE', `/v1/admin/partners/${partnerId}/credentials/${key.keyId}`, { token });
    await afterCacheTtl(async () => {
      expect((await purchases()).status).toBe(401);
      expect((await signed(key, { method: 'GET', path: '/v1/partner/purchases/x' })).status).toBe(401);
    });

    const live = await onboardedPartner('platform');
    const get = () => signed(live.key, { method: 'GET', path: '/v1/partner/purchases/none' });
    expect((await get()).status).toBe(404);
    await call('POST', `/v1/admin/partners/${live.partnerId}/transitions`, {
      token: live.token,
      body: { to: 'SUSPENDED', note: 'suspected fraud' },
    });
    await afterCacheTtl(async () => expect((await get()).status).toBe(403));
  });

  it("keeps each platform's catalog its own", async () => {
    const a = await onboardedPartner('platform');
    const b = await onboardedPartner('platform');
    const id = '/v1/partner/courses/shared-name';
    expect((await signed(a.key, { method: 'PUT', path: id, body: course('A course') })).status).toBe(201);
    expect((await signed(b.key, { method: 'GET', path: id })).status).toBe(404);
    expect((await signed(b.key, { method: 'PUT', path: id, body: course('B course') })).status).toBe(201);
    const mine = await signed(a.key, { method: 'GET', path: id });
    expect(mine.body).toMatchObject({ title: 'A course', partnerId: a.partnerId, priceIdr: 750_000 });
    const bad = await signed(a.key, {
      method: 'PUT',
      path: id,
      body: JSON.stringify({ title: 'x', priceIdr: 1.5 }),
    });
    expect(bad.status).toBe(400);
  });

  it('limits each partner to its own rate', async () => {
    const slow = await onboardedPartner('platform', { rateLimitPerSecond: 3 });
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        signed(slow.key, { method: 'GET', path: `/v1/partner/courses/none-${i}` }),
      ),
    );
    const seconds = Math.ceil((Date.now() - started) / 1000) + 1;
    const admitted = answers.filter((a) => a.status === 404).length;
    expect(answers.filter((a) => a.status === 429).length).toBeGreaterThan(0);
    expect(admitted).toBeLessThanOrEqual(3 * seconds);
    expect(answers.every((a) => a.status === 404 || a.status === 429)).toBe(true);
    // Another partner is not slowed by it.
    expect(
      (await signed(seeded('ruangguru'), { method: 'GET', path: '/v1/partner/courses/none' })).status,
    ).toBe(404);
  });

  it('scripts/sign-request.ts signs and sends a request, whatever its secret begins with', async () => {
    // Not spawnSync: the worker's other files keep running while the script does.
    const run = (...args: string[]) =>
      new Promise<{ stdout: string; why: string }>((resolve) => {
        execFile(
          process.execPath,
          ['--import', 'tsx', 'scripts/sign-request.ts', ...args],
          { encoding: 'utf8', env: { ...process.env, NODE_NO_WARNINGS: '1' } },
          (error, stdout, stderr) => resolve({ stdout, why: `${error?.message ?? 'exit 0'}\n${stderr}` }),
        );
      });
    const key = seeded('pintaria');
    const sent = await run(
      `--key-id=${key.keyId}`,
      `--secret=${key.secret}`,
      `--api=${stack().apiUrl}`,
      'PUT',
      '/v1/partner/courses/from-script',
      course(),
    );
    expect(sent.stdout, sent.why).toContain('x-prakerja-signature');
    expect(sent.stdout).toMatch(/^20[01] /m);
    // A secret is base64url: one in 64 begins with "-", which "--secret S" would take for an
    // option (a CI run failed so); "--secret=S" takes it whole. Unknown here: signed, then 401.
    const dashed = await run(
      '--key-id=pk_unknown',
      '--secret=-dash-first',
      `--api=${stack().apiUrl}`,
      'GET',
      '/v1/partner/courses/none',
    );
    expect(dashed.stdout, dashed.why).toContain('x-prakerja-signature');
    expect(dashed.stdout).toMatch(/^401 /m);
  });
});
