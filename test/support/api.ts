import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { type ApiResponse, type CallOptions, request } from '#scripts/lib/http.ts';

// The integration tests' client: real requests to the stack the global setup started.
export type { ApiResponse, CallOptions } from '#test/support/http.ts';

export function stack() {
  return inject('stack');
}

export function call<T = any>(
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<ApiResponse<T>> {
  return request<T>(stack().apiUrl, method, path, options);
}

export async function latestCode(to: string, template: string): Promise<string> {
  const outbox = await call<{ items: { template: string; code?: string }[] }>(
    'GET',
    `/_local/outbox?to=${encodeURIComponent(to)}`,
  );
  const message = outbox.body.items.find((m) => m.template === template);
  if (!message?.code) throw new Error(`no ${template} code for ${to}`);
  return message.code;
}

let phoneCounter = 0;
/** A unique Indonesian mobile number per call within this run. */
export function uniquePhone(): string {
  phoneCounter += 1;
  const n = (Date.now() % 1e6) * 1000 + (phoneCounter % 1000) + Math.floor(Math.random() * 1e3) * 1e9;
  return `+628${String(n).padStart(10, '0').slice(-10)}`;
}

export function uniqueEmail(): string {
  return `citizen-${randomUUID()}@example.com`;
}

export interface Citizen {
  accountId: string;
  email: string;
  phone: string;
  password: string;
  token: string;
}

/** Registers a citizen, verifies email and phone from the outbox, and signs in. */
export async function registerCitizen(overrides: { email?: string; phone?: string } = {}): Promise<Citizen> {
  const email = overrides.email ?? uniqueEmail();
  const phone = overrides.phone ?? uniquePhone();
  const password = 'correct horse battery';
  const created = await call('POST', '/v1/accounts', {
    body: { fullName: 'Warga Uji', email, password, phone },
  });
  if (created.status !== 201)
    throw new Error(`register failed: ${created.status} ${JSON.stringify(created.body)}`);
  for (const [channel, to, template] of [
    ['email', email, 'verify-email'],
    ['phone', phone, 'verify-phone'],
  ] as const) {
    const code = await latestCode(to, template);
    const verified = await call('POST', '/v1/accounts/verify', { body: { email, channel, code } });
    if (verified.status !== 200) throw new Error(`verify ${channel} failed: ${verified.status}`);
  }
  const token = await signIn(email, password);
  return { accountId: created.body.accountId, email, phone, password, token };
}

export async function signIn(email: string, password: string): Promise<string> {
  const session = await call('POST', '/v1/sessions', { body: { email, password } });
  if (session.status !== 200) throw new Error(`sign-in failed: ${session.status}`);
  return session.body.accessToken;
}

export async function adminToken(role: 'admin' | 'approver' = 'admin'): Promise<string> {
  const admin = stack().admins.find((a) => a.role === role)!;
  return signIn(admin.email, admin.password);
}
