import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import {
  type AccountInquiry,
  type Disbursement,
  type DisbursementResult,
  type InquiryResult,
  PartnerRequestRefused,
  PartnerTimeout,
  PartnerUnavailable,
  type PaymentPartnerPort,
  type SettlementReport,
  type StatusResult,
} from '#contexts/payouts/payments/port.ts';
import { clientOptions, config } from '#platform/config.ts';
import { logger } from '#platform/logger.ts';
import { sign } from '#platform/signing.ts';
import { requireUse } from '#platform/uses.ts';

/*
 * The Prakerja disbursement API: what every payment partner (bank or e-wallet) implements
 * for the programme, and what local/payment-partners.ts simulates. JSON over HTTPS, under
 * the base URL agreed with each partner (PAYMENT_PARTNER_ENDPOINTS).
 *
 * Every request is signed by the programme with the key the partner issued to it, as
 * API.md's partner scheme signs the other way (platform/signing.ts):
 *   X-Prakerja-Key-Id: <keyId>
 *   X-Prakerja-Timestamp: <unix seconds>
 *   X-Prakerja-Signature: v1=hex(HMAC_SHA256(secret, ts \n METHOD \n pathWithQuery \n hex(SHA256(body))))
 * where pathWithQuery is the full path of the request URL (the base URL's path included)
 * with its query. The partner checks the signature in constant time (`signatureMatches`)
 * and the timestamp within 300 s of its clock (`withinWindow`), else 401. The timestamp is
 * the wall clock, never the backend's movable clock (platform/clock.ts): it is the partner's
 * clock that judges it.
 *
 *   POST {base}/v1/account-inquiries  {accountNumber, nik, name}
 *     200 {found: true, holderName, nikMatches, kycVerified} | 404 {found: false}
 *   POST {base}/v1/disbursements      {reference, accountNumber, amountIdr}
 *     200 {status: 'PAID', reference, partnerReference, amountIdr, paidAt}
 *     422 {status: 'REJECTED', reference, reason}
 *     Idempotent by reference: the same reference with the same account and amount answers
 *     the first outcome again (same status, same body) and never pays twice; the same
 *     reference with another account or amount is 409 (this adapter answers it as
 *     REJECTED, reason 'reference-conflict').
 *   GET  {base}/v1/disbursements/{reference}
 *     200 the outcome (PAID or REJECTED) | 404 (answered as {status: 'NOT_FOUND'})
 *   GET  {base}/v1/settlements/{YYYY-MM-DD}?cursor=&limit=
 *     200 {day, items: [{reference, partnerReference, accountNumber, amountIdr, paidAt}], nextCursor}
 *     what the partner paid on that settlement day, in pages; nextCursor null on the last
 *     page. The day is the partner's own (WIB for the partners we know: from 17:00 UTC it is
 *     the next date), and `paidAt` is on the partner's clock, in any ISO 8601 offset; so
 *     reconciliation asks for the day around the partner's `paidAt`, never for ours.
 *
 * Failures, as the port names them: 5xx, 429 and a connection that could not be made
 * (refused, unknown host) are PartnerUnavailable (nothing was done: retry later); no answer
 * within PAYMENT_TIMEOUT_MS (AbortSignal.timeout), or a connection lost after the request
 * went out, is PartnerTimeout (the money may have moved: ask `status` before retrying);
 * 400, 401, 403 or an answer that is not the protocol's is PartnerRequestRefused (a bug or
 * a configuration error: retrying does not help).
 *
 * Nothing here logs a NIK or an account number: partner code, operation, HTTP status,
 * latency and our reference only.
 */

export interface PartnerKey {
  keyId: string;
  secret: string;
}

export interface HttpsPaymentPartnersOptions {
  /** Base URL per partner code, e.g. `{bni: 'https://bni.payments.example'}`. */
  endpoints: Record<string, string>;
  /** The programme's key per partner code, or how to load them (once). */
  keys: Record<string, PartnerKey> | (() => Promise<Record<string, PartnerKey>>);
  /** Give up on a call after this long (PartnerTimeout); default 5000. */
  timeoutMs?: number;
  /** Page size asked of the settlement report (`limit`); the partner's default if unset. */
  settlementPageSize?: number;
}

const InquiryAnswer = z.union([
  z.object({
    found: z.literal(true),
    holderName: z.string(),
    nikMatches: z.boolean(),
    kycVerified: z.boolean(),
  }),
  z.object({ found: z.literal(false) }),
]);
const Paid = z.object({
  status: z.literal('PAID'),
  reference: z.string(),
  partnerReference: z.string(),
  amountIdr: z.number(),
  paidAt: z.string(),
});
const Rejected = z.object({ status: z.literal('REJECTED'), reference: z.string(), reason: z.string() });
const Outcome = z.discriminatedUnion('status', [Paid, Rejected]);
const Settlement = z.object({
  day: z.string(),
  items: z.array(
    z.object({
      reference: z.string(),
      partnerReference: z.string(),
      accountNumber: z.string(),
      amountIdr: z.number(),
      paidAt: z.string(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

interface Answer {
  status: number;
  body: unknown;
}

export function httpsPaymentPartners(options: HttpsPaymentPartnersOptions): PaymentPartnerPort {
  const timeoutMs = options.timeoutMs ?? 5000;
  let keys: Promise<Record<string, PartnerKey>> | undefined;
  const keyOf = async (code: string): Promise<PartnerKey> => {
    const source = options.keys;
    keys ??= (typeof source === 'function' ? source() : Promise.resolve(source)).catch((error) => {
      keys = undefined;
      throw error;
    });
    const key = (await keys)[code];
    if (!key?.keyId || !key.secret) throw new Error(`no credentials for payment partner ${code}`);
    return key;
  };

  async function call(code: string, operation: string, method: 'GET' | 'POST', path: string, body?: unknown) {
    requireUse('payments', (u) => !!u.payments);
    const base = options.endpoints[code];
    if (!base) throw new Error(`no endpoint for payment partner ${code}`);
    const key = await keyOf(code);
    const url = new URL(base.replace(/\/+$/, '') + path);
    const text = body === undefined ? '' : JSON.stringify(body);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers: Record<string, string> = {
      accept: 'application/json',
      'x-prakerja-key-id': key.keyId,
      'x-prakerja-timestamp': timestamp,
      'x-prakerja-signature': sign(key.secret, {
        timestamp,
        method,
        pathWithQuery: url.pathname + url.search,
        body: text,
      }),
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const started = performance.now();
    const log = (outcome: string | number) =>
      logger.info('payment partner call', {
        partner: code,
        operation,
        outcome,
        latencyMs: Math.round(performance.now() - started),
      });
    let answer: Answer;
    try {
      const response = await fetch(url, {
        method,
        headers,
        ...(body === undefined ? {} : { body: text }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const raw = await response.text();
      let parsed: unknown;
      try {
        parsed = raw ? JSON.parse(raw) : undefined;
      } catch {
        parsed = undefined;
      }
      answer = { status: response.status, body: parsed };
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        log('timeout');
        throw new PartnerTimeout(`${code} ${operation}: no answer within ${timeoutMs} ms`);
      }
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      if (cause && UNREACHABLE.has(cause)) {
        log(cause);
        throw new PartnerUnavailable(`${code} ${operation}: ${cause}`);
      }
      // The request may have reached the partner before the connection was lost.
      log(cause ?? 'connection-lost');
      throw new PartnerTimeout(`${code} ${operation}: connection lost (${cause ?? name})`);
    }
    log(answer.status);
    if (answer.status >= 500 || answer.status === 429)
      throw new PartnerUnavailable(`${code} ${operation}: HTTP ${answer.status}`);
    return answer;
  }

  const refused = (code: string, operation: string, answer: Answer) =>
    new PartnerRequestRefused(`${code} ${operation}: unexpected HTTP ${answer.status}`, answer.status);

  function answerAs<T>(schema: z.ZodType<T>, code: string, operation: string, answer: Answer): T {
    const result = schema.safeParse(answer.body);
    if (!result.success) throw refused(code, operation, answer);
    return result.data;
  }

  return {
    async inquire(code: string, request: AccountInquiry): Promise<InquiryResult> {
      const { accountNumber, nik, name } = request;
      const answer = await call(code, 'inquiry', 'POST', '/v1/account-inquiries', {
        accountNumber,
        nik,
        name,
      });
      if (answer.status !== 200 && answer.status !== 404) throw refused(code, 'inquiry', answer);
      if (answer.status === 404) return { found: false };
      return answerAs(InquiryAnswer, code, 'inquiry', answer);
    },

    async disburse(code: string, request: Disbursement): Promise<DisbursementResult> {
      const { reference, accountNumber, amountIdr } = request;
      const answer = await call(code, 'disbursement', 'POST', '/v1/disbursements', {
        reference,
        accountNumber,
        amountIdr,
      });
      if (answer.status === 409) return { status: 'REJECTED', reference, reason: 'reference-conflict' };
      if (answer.status === 200) return answerAs(Paid, code, 'disbursement', answer);
      if (answer.status === 422) return answerAs(Rejected, code, 'disbursement', answer);
      throw refused(code, 'disbursement', answer);
    },

    async status(code: string, reference: string): Promise<StatusResult> {
      const answer = await call(code, 'status', 'GET', `/v1/disbursements/${encodeURIComponent(reference)}`);
      if (answer.status === 404) return { status: 'NOT_FOUND', reference };
      if (answer.status !== 200) throw refused(code, 'status', answer);
      return answerAs(Outcome, code, 'status', answer);
    },

    async settlementReport(code: string, day: string, cursor?: string): Promise<SettlementReport> {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`settlement day must be YYYY-MM-DD: ${day}`);
      const query = new URLSearchParams();
      if (cursor) query.set('cursor', cursor);
      if (options.settlementPageSize) query.set('limit', String(options.settlementPageSize));
      const qs = query.size ? `?${query}` : '';
      const answer = await call(code, 'settlement', 'GET', `/v1/settlements/${day}${qs}`);
      if (answer.status !== 200) throw refused(code, 'settlement', answer);
      return answerAs(Settlement, code, 'settlement', answer);
    },
  };
}

// --- the container's adapter, from its configuration -----------------------------

const PartnerKeySchema = z.object({ keyId: z.string().min(1), secret: z.string().min(1) });

/** The programme's keys per partner: from Secrets Manager on AWS (the secret named by
 *  PAYMENT_PARTNERS_SECRET_ARN), from PAYMENT_PARTNER_KEYS on the local stack. */
async function loadKeys(): Promise<Record<string, PartnerKey>> {
  const arn = config.paymentPartnersSecretArn;
  if (arn) {
    const client = new SecretsManagerClient(clientOptions(undefined));
    const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    return parseKeys(out.SecretString ?? '{}', 'the payment partners secret');
  }
  const local = process.env.PAYMENT_PARTNER_KEYS;
  if (!local) throw new Error('missing PAYMENT_PARTNERS_SECRET_ARN or PAYMENT_PARTNER_KEYS');
  return parseKeys(local, 'PAYMENT_PARTNER_KEYS');
}

/** Entries that are not `{keyId, secret}` (e.g. a placeholder before onboarding) are left out. */
function parseKeys(text: string, source: string): Record<string, PartnerKey> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`${source} is not JSON`);
  }
  if (typeof raw !== 'object' || raw === null) throw new Error(`${source} is not a JSON object`);
  const out: Record<string, PartnerKey> = {};
  for (const [code, value] of Object.entries(raw)) {
    const parsed = PartnerKeySchema.safeParse(value);
    if (parsed.success) out[code] = parsed.data;
  }
  return out;
}

let port: PaymentPartnerPort | undefined;

/** The payment partners as this container reaches them: one adapter per container, its
 *  credentials loaded once, at the first call. */
export function paymentPartners(): PaymentPartnerPort {
  requireUse('payments', (u) => !!u.payments);
  port ??= httpsPaymentPartners({
    endpoints: config.paymentPartnerEndpoints,
    keys: loadKeys,
    timeoutMs: config.paymentTimeoutMs,
  });
  return port;
}
