import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { profileBody, randomIdentity, validNik } from '#scripts/lib/nik.ts';
import { call, latestCode, signIn, uniqueEmail, uniquePhone } from '#test/support/api.ts';

// Personal data never reaches a log line: a full flow through HTTP with a real NIK, KK,
// password and codes, then the stack's captured stdout/stderr is searched for them.
const logFile = () => inject('stackLogFile');

interface LogLine {
  level?: string;
  message?: string;
  operation?: string;
  status?: number;
}

/** The log written since `offset`, once it holds `enough` (stdout reaches the file asynchronously). */
async function logSince(offset: number, enough: (lines: LogLine[]) => boolean): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const lines = readFileSync(logFile()).subarray(offset).toString('utf8').split('\n').filter(Boolean);
    const json = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as LogLine);
    if (enough(json) || Date.now() > deadline) return lines;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function register(password: string) {
  const email = uniqueEmail();
  const phone = uniquePhone();
  const created = await call('POST', '/v1/accounts', {
    body: { fullName: 'Siti Rahayu', email, password, phone },
  });
  expect(created.status).toBe(201);
  const codes: string[] = [];
  for (const [channel, to, template] of [
    ['email', email, 'verify-email'],
    ['phone', phone, 'verify-phone'],
  ] as const) {
    const code = await latestCode(to, template);
    codes.push(code);
    expect((await call('POST', '/v1/accounts/verify', { body: { email, channel, code } })).status).toBe(200);
  }
  const wrong = await call('POST', '/v1/sessions', { body: { email, password: `${password}-wrong` } });
  expect(wrong.status).toBe(401);
  return { email, codes, token: await signIn(email, password) };
}

describe('logs', () => {
  it('never contain a NIK, KK, password or code, and are JSON lines with a level', async () => {
    const offset = statSync(logFile()).size;
    const password = `pw-${randomUUID()}`;
    const identity = randomIdentity({ gender: 'F' });
    const first = await register(password);
    const second = await register(password);

    const saved = await call('PUT', '/v1/me/profile', { token: first.token, body: profileBody(identity) });
    expect(saved.status, `PUT /v1/me/profile: ${JSON.stringify(saved.body)}`).toBe(200);
    // A NIK that disagrees with the birth date, one that is not even 16 digits, and a duplicate.
    const wrongNik = validNik({ ...identity, birthDate: '1990-01-01' });
    const invalid = await call('PUT', '/v1/me/profile', {
      token: second.token,
      body: profileBody({ ...identity, nik: wrongNik }),
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.type).toMatch(/invalid-nik$/);
    const short = `${identity.nik.slice(0, 15)}`;
    const malformed = await call('PUT', '/v1/me/profile', {
      token: second.token,
      body: profileBody({ ...identity, nik: short }),
    });
    expect(malformed.status).toBe(400);
    const duplicate = await call('PUT', '/v1/me/profile', {
      token: second.token,
      body: profileBody(identity),
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.type).toMatch(/duplicate-nik$/);
    expect((await call('GET', '/v1/me', { token: first.token })).status).toBe(200);

    const profileLines = (json: LogLine[]) =>
      json.filter((l) => l.message === 'request' && l.operation === 'putProfile').length;
    const flow = await logSince(offset, (json) => profileLines(json) >= 4);
    const flowJson = flow.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as LogLine);
    expect(profileLines(flowJson), 'one request line per PUT /v1/me/profile').toBe(4);
    expect(flowJson.filter((l) => l.message === 'request').length).toBeGreaterThanOrEqual(17);
    // Log lines carry a level; metric lines (embedded metric format) carry their directive.
    for (const line of flowJson)
      if ('_aws' in line) expect((line as any)._aws.CloudWatchMetrics[0].Namespace).toBe('Prakerja');
      else expect(line.level, JSON.stringify(line)).toMatch(/^(DEBUG|INFO|WARN|ERROR)$/);
    // The logger's 16-digit redaction is a last guard; this flow must not need it.
    expect(flow.filter((l) => l.includes('redacted-16-digits'))).toEqual([]);

    // The terminal is for people: the banner, one short line per request, warnings and
    // errors; no JSON log line and no metric.
    const terminal = readFileSync(inject('stackTerminalFile'), 'utf8').split('\n');
    expect(terminal.join('\n')).toContain('Prakerja backend ready');
    expect(terminal.filter((l) => l.startsWith('{'))).toEqual([]);
    expect(terminal.filter((l) => / \d{3} putProfile \d+ ms$/.test(l)).length).toBeGreaterThanOrEqual(4);

    const everything = [...readFileSync(logFile(), 'utf8').split('\n'), ...terminal];
    expect(everything.length).toBeGreaterThan(20);
    const secrets = [identity.nik, identity.kk, wrongNik, short, password, ...first.codes, ...second.codes];
    for (const secret of secrets) {
      // Codes are 6 digits: match them as a whole token, not inside a longer number or id.
      const pattern = new RegExp(`(?<![0-9A-Za-z])${secret}(?![0-9A-Za-z])`);
      const hits = everything.filter((line) =>
        /^\d{6}$/.test(secret) ? pattern.test(line) : line.includes(secret),
      );
      expect(hits, `a log line holds ${secret.length}-character personal data`).toEqual([]);
    }
  });
});
