import { randomUUID } from 'node:crypto';
import type { StackInfo } from '#local/stack.ts';
import { type ApiResponse, type CallOptions, request } from '../lib/http.ts';
import { type PartnerKey, signatureHeaders } from '../sign-request.ts';

// The demo's client: the public HTTP API (and the documented /_local routes) only, as a
// citizen, an administrator or a signed partner. Any answer the step did not expect ends
// the demo with the step, the status and the problem's slug.

// biome-ignore lint/suspicious/noExplicitAny: an answer's JSON, read by field where it is used
type Json = any;

export class DemoError extends Error {
  override name = 'DemoError';
}

/** Set on Ctrl-C: every pool stops taking work. */
export const interrupted = { value: false };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function describe(r: ApiResponse): string {
  const body = r.body as { type?: string; detail?: string } | string | undefined;
  if (body && typeof body === 'object' && body.type)
    return `HTTP ${r.status} ${body.type.split('/').pop()}${body.detail ? `: ${body.detail}` : ''}`;
  return `HTTP ${r.status} ${JSON.stringify(body ?? '').slice(0, 300)}`;
}

export class Api {
  constructor(readonly info: StackInfo) {}

  /** One request; a 429 is waited out (Retry-After) and sent again, as a client would. */
  async call<T = Json>(method: string, path: string, options: CallOptions = {}): Promise<ApiResponse<T>> {
    for (let attempt = 0; ; attempt++) {
      let r: ApiResponse<T>;
      try {
        r = await request<T>(this.info.apiUrl, method, path, options);
      } catch (error) {
        throw new DemoError(`${method} ${path}: no answer from ${this.info.apiUrl} (${String(error)})`);
      }
      if (r.status !== 429 || attempt >= 20) return r;
      await sleep(Math.min(5000, 1000 * Number(r.headers.get('retry-after') ?? 1)));
    }
  }

  /** A request whose status must be one of `ok`; answers the body. */
  async expect<T = Json>(
    step: string,
    ok: number[],
    method: string,
    path: string,
    options: CallOptions = {},
  ): Promise<T> {
    const r = await this.call<T>(method, path, options);
    if (!ok.includes(r.status)) throw new DemoError(`${step} (${method} ${path}): ${describe(r)}`);
    return r.body;
  }

  /** A signed partner request (API.md): a fresh Idempotency-Key on every POST, kept for a
   *  retry after a 429, which is signed anew. */
  async signed<T = Json>(key: PartnerKey, method: string, path: string, body?: unknown) {
    const raw = body === undefined ? undefined : JSON.stringify(body);
    const idempotencyKey = method === 'POST' ? randomUUID() : undefined;
    for (let attempt = 0; ; attempt++) {
      const headers = signatureHeaders(key, {
        method,
        path,
        ...(raw === undefined ? {} : { body: raw }),
        ...(idempotencyKey ? { idempotencyKey } : {}),
      });
      let r: ApiResponse<T>;
      try {
        r = await request<T>(this.info.apiUrl, method, path, {
          headers,
          ...(raw === undefined ? {} : { rawBody: raw }),
        });
      } catch (error) {
        throw new DemoError(`${method} ${path}: no answer (${String(error)})`);
      }
      if (r.status !== 429 || attempt >= 20) return r;
      await sleep(Math.min(5000, 1000 * Number(r.headers.get('retry-after') ?? 1)));
    }
  }

  async signedExpect<T = Json>(
    step: string,
    ok: number[],
    key: PartnerKey,
    method: string,
    path: string,
    body?: unknown,
  ) {
    const r = await this.signed<T>(key, method, path, body);
    if (!ok.includes(r.status)) throw new DemoError(`${step} (${method} ${path}): ${describe(r)}`);
    return r.body;
  }

  /** The newest code of a template sent to an address (the local outbox). */
  async code(to: string, template: string): Promise<string> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const outbox = await this.expect<{ items: { template: string; code?: string }[] }>(
        'read the outbox',
        [200],
        'GET',
        `/_local/outbox?to=${encodeURIComponent(to)}`,
      );
      const code = outbox.items.find((m) => m.template === template)?.code;
      if (code) return code;
      await sleep(100);
    }
    throw new DemoError(`no ${template} code in the outbox for ${to}`);
  }

  async signIn(email: string, password: string): Promise<string> {
    const body = await this.expect<{ accessToken: string }>('sign in', [200], 'POST', '/v1/sessions', {
      body: { email, password },
    });
    return body.accessToken;
  }

  /** A seeded administrator's token (admin or approver). */
  admin(role: 'admin' | 'approver'): Promise<string> {
    const a = this.info.admins.find((x) => x.role === role);
    if (!a) throw new DemoError(`stack.json names no ${role}`);
    return this.signIn(a.email, a.password);
  }

  partnerKey(code: string): PartnerKey {
    const p = this.info.partners.find((x) => x.code === code);
    if (!p) throw new DemoError(`stack.json names no partner ${code}`);
    return { keyId: p.keyId, secret: p.secret };
  }
}

/** `work` on every item, `concurrency` at once; after the first failure (or Ctrl-C) no
 *  new item starts, the ones in flight end, and the failure is thrown. */
export async function pool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  let failure: unknown;
  const worker = async () => {
    while (!failed && !interrupted.value && next < items.length) {
      const index = next++;
      try {
        await work(items[index]!, index);
      } catch (error) {
        if (!failed) [failed, failure] = [true, error];
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failed) throw failure;
  if (interrupted.value) throw new DemoError('interrupted');
}

export const idempotency = () => ({ 'idempotency-key': randomUUID() });
