import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { PartnerKey } from '#contexts/payouts/payments/https.ts';
import { PAYMENT_PARTNERS, type PaymentPartnerSpec } from '#contexts/payouts/payments/partners.ts';
import type { DisbursementResult, SettlementLine } from '#contexts/payouts/payments/port.ts';
import { createLocalServer } from '#local/http-server.ts';
import { signatureMatches, withinWindow } from '#platform/signing.ts';

/*
 * The local simulator of every payment partner: ONE node:http server on 127.0.0.1 that
 * serves each partner of PAYMENT_PARTNERS under /{code}/v1/..., speaking the Prakerja
 * disbursement API documented in contexts/payouts/payments/https.ts, and checking every request's
 * signature with the key the stack generated for that partner (.local/keys.json).
 *
 * Each partner keeps its OWN books, as a bank or e-wallet would:
 * - accounts {accountNumber, holderName, nikHash (SHA-256 of the NIK: never the NIK in
 *   clear), kycVerified, balanceIdr};
 * - the outcome of every disbursement reference it was asked to pay, and its ledger: what
 *   it actually paid (reference, accountNumber, amountIdr, partnerReference, paidAt).
 *
 * Policy of the local world, where every citizen banks everywhere: an account number the
 * partner has never seen is OPENED at the first inquiry, for the person that inquiry names,
 * KYC verified. An account opened explicitly (the control interface) for someone else
 * answers inquiries of other persons with that holder's name and nikMatches false. The
 * account number must look like the partner's kind: digits (6-20) for a bank, the
 * registered phone (+628...) for an e-wallet; anything else is not found. Disbursing to an
 * account the partner does not hold, one not KYC verified, or one in rejectAccounts is
 * REJECTED (422), and that outcome is the reference's from then on.
 *
 * Faults, per partner (POST /_control/{code}/faults, from POST /_local/payment-partners/
 * {code}/faults): latencyMs added to every call; failureRate: the share of calls answered
 * 503 without doing anything; timeoutRate: the share of calls never answered (held until
 * the client gives up, then dropped). For disbursements the timeouts alternate, so exactly
 * half happen BEFORE the money moved (nothing recorded) and half AFTER it moved (paid and
 * recorded, the answer lost); both are counted in the ledger view. rejectAccounts: account
 * numbers refused by inquiry (found: false) and by disbursement ('account-rejected').
 * The draws use a seeded PRNG (mulberry32) per partner.
 *
 * With a directory the books are kept as append-only JSONL, one file per partner, replayed
 * at start, so an `npm start` restart keeps them; without one (IN_MEMORY, tests) they live
 * in memory. Faults and counters are not kept across a restart.
 *
 * Each partner keeps its own clock and its own settlement day, as an Indonesian partner
 * does: `paidAt` is its local time (WIB, `2026-12-06T02:30:00.000+07:00`) and a settlement
 * report's day is the WIB date, so a payment at 17:00 UTC or later is on the next day's
 * report. Its clock is the wall clock unless moved (POST /_control/{code}/clock {now}, or
 * {now: null} to put it back): never the backend's movable clock (platform/clock.ts).
 *
 * The control interface (/_control/..., unsigned) is for the local routes; like every
 * local server it listens on the loopback interface only.
 */

export interface PartnerAccount {
  accountNumber: string;
  holderName: string;
  nikHash: string;
  kycVerified: boolean;
  balanceIdr: number;
}

export interface LedgerLine {
  reference: string;
  accountNumber: string;
  amountIdr: number;
  partnerReference: string;
  paidAt: string;
}

export interface PartnerFaults {
  failureRate: number;
  timeoutRate: number;
  latencyMs: number;
  rejectAccounts: string[];
}

interface Outcome {
  reference: string;
  accountNumber: string;
  amountIdr: number;
  result: DisbursementResult;
}

type Event =
  | { kind: 'account'; account: Omit<PartnerAccount, 'balanceIdr'> }
  | ({ kind: 'outcome' } & Outcome);

export const NO_FAULTS: PartnerFaults = { failureRate: 0, timeoutRate: 0, latencyMs: 0, rejectAccounts: [] };
const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;
const MAX_AMOUNT_IDR = 1_000_000_000;
/** A held request is dropped after this long even if the client never gives up. */
const MAX_HOLD_MS = 120_000;
/** WIB (Asia/Jakarta, no daylight saving): the partners' local time and settlement day. */
const WIB_MS = 7 * 3_600_000;

/** A time as a partner in WIB writes it: `YYYY-MM-DDTHH:mm:ss.sssZ` -> `...+07:00`. */
export const wibTime = (at: Date) => `${new Date(at.getTime() + WIB_MS).toISOString().slice(0, 23)}+07:00`;
/** The WIB date (a settlement day) of a time written in any offset. */
export const wibDay = (at: string) => new Date(Date.parse(at) + WIB_MS).toISOString().slice(0, 10);

export const nikHash = (nik: string) => createHash('sha256').update(nik).digest('hex');

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Partner {
  readonly accounts = new Map<string, PartnerAccount>();
  readonly outcomes = new Map<string, Outcome>();
  readonly ledger: LedgerLine[] = [];
  faults: PartnerFaults = { ...NO_FAULTS, rejectAccounts: [] };
  readonly counters = { failures: 0, beforeMoving: 0, afterMoving: 0, otherCalls: 0 };
  readonly random: () => number;
  /** The partner's clock minus the wall clock (POST /_control/{code}/clock). */
  clockOffsetMs = 0;
  private serial = 0;

  constructor(
    readonly spec: PaymentPartnerSpec,
    private readonly file: string | undefined,
    seed: number,
  ) {
    this.random = mulberry32(seed);
    if (file && existsSync(file))
      for (const line of readFileSync(file, 'utf8').split('\n'))
        if (line.trim()) this.apply(JSON.parse(line) as Event);
  }

  private apply(event: Event): void {
    if (event.kind === 'account') {
      this.accounts.set(event.account.accountNumber, { ...event.account, balanceIdr: 0 });
      return;
    }
    const { kind: _, ...outcome } = event;
    this.outcomes.set(outcome.reference, outcome);
    if (outcome.result.status !== 'PAID') return;
    const { reference, partnerReference, amountIdr, paidAt } = outcome.result;
    this.ledger.push({
      reference,
      accountNumber: outcome.accountNumber,
      amountIdr,
      partnerReference,
      paidAt,
    });
    const account = this.accounts.get(outcome.accountNumber);
    if (account) account.balanceIdr += amountIdr;
  }

  private record(event: Event): void {
    if (this.file) appendFileSync(this.file, `${JSON.stringify(event)}\n`);
    this.apply(event);
  }

  validAccountNumber(accountNumber: string): boolean {
    return this.spec.kind === 'bank'
      ? /^\d{6,20}$/.test(accountNumber)
      : /^\+628\d{7,12}$/.test(accountNumber);
  }

  open(account: {
    accountNumber: string;
    holderName: string;
    nik: string;
    kycVerified: boolean;
  }): PartnerAccount {
    this.record({
      kind: 'account',
      account: {
        accountNumber: account.accountNumber,
        holderName: account.holderName,
        nikHash: nikHash(account.nik),
        kycVerified: account.kycVerified,
      },
    });
    return this.accounts.get(account.accountNumber)!;
  }

  now(): Date {
    return new Date(Date.now() + this.clockOffsetMs);
  }

  rejected(accountNumber: string): boolean {
    return this.faults.rejectAccounts.includes(accountNumber);
  }

  /** Pays (or rejects) a new reference and records the outcome. */
  settle(reference: string, accountNumber: string, amountIdr: number): Outcome {
    const account = this.accounts.get(accountNumber);
    const reason = this.rejected(accountNumber)
      ? 'account-rejected'
      : !account
        ? 'account-not-found'
        : !account.kycVerified
          ? 'kyc-not-verified'
          : undefined;
    this.serial += 1;
    const result: DisbursementResult = reason
      ? { status: 'REJECTED', reference, reason }
      : {
          status: 'PAID',
          reference,
          partnerReference: `${this.spec.code.toUpperCase()}-${Date.now().toString(36)}-${this.serial}-${randomUUID().slice(0, 8)}`,
          amountIdr,
          paidAt: wibTime(this.now()),
        };
    this.record({ kind: 'outcome', reference, accountNumber, amountIdr, result });
    return this.outcomes.get(reference)!;
  }

  view() {
    return {
      items: this.ledger,
      totalIdr: this.ledger.reduce((sum, line) => sum + line.amountIdr, 0),
      paidCount: this.ledger.length,
      failures: this.counters.failures,
      timeouts: {
        beforeMoving: this.counters.beforeMoving,
        afterMoving: this.counters.afterMoving,
        otherCalls: this.counters.otherCalls,
      },
    };
  }
}

// --- HTTP ---------------------------------------------------------------------------

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

const send = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new HttpError(413, { error: 'payload-too-large' });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function json(raw: Buffer): Record<string, unknown> {
  try {
    const value = JSON.parse(raw.toString('utf8') || 'null') as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {}
  throw new HttpError(400, { error: 'malformed-json' });
}

const str = (value: unknown, max = 128): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= max;

const bad = (field: string) => new HttpError(400, { error: 'validation', field });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Never answers: the client gives up (its socket closes), or the hold ends. */
function hold(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      res.destroy();
      resolve();
    }, MAX_HOLD_MS);
    timer.unref();
    res.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export interface SimulatorOptions {
  /** The programme's key per partner code: requests must be signed with it. */
  keys: Record<string, PartnerKey>;
  /** Where the books are kept (one JSONL file per partner); in memory if unset. */
  dir?: string;
  /** Seed of the fault draws (each partner's PRNG is seeded from it and its position). */
  seed?: number;
}

export async function startPaymentPartnerSimulator(options: SimulatorOptions) {
  if (options.dir) mkdirSync(options.dir, { recursive: true });
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const partners = new Map(
    PAYMENT_PARTNERS.map((spec, i) => [
      spec.code,
      new Partner(spec, options.dir ? join(options.dir, `${spec.code}.jsonl`) : undefined, seed + i * 7919),
    ]),
  );

  function partnerOf(code: string): Partner {
    const partner = partners.get(code);
    if (!partner) throw new HttpError(404, { error: 'unknown-partner' });
    return partner;
  }

  function verify(partner: Partner, req: IncomingMessage, raw: Buffer): void {
    const key = options.keys[partner.spec.code];
    const header = (name: string) => {
      const value = req.headers[name];
      return typeof value === 'string' ? value : '';
    };
    const timestamp = header('x-prakerja-timestamp');
    const ok =
      !!key &&
      header('x-prakerja-key-id') === key.keyId &&
      withinWindow(timestamp, new Date()) &&
      signatureMatches(
        key.secret,
        { timestamp, method: req.method ?? 'GET', pathWithQuery: req.url ?? '/', body: raw },
        header('x-prakerja-signature'),
      );
    if (!ok) throw new HttpError(401, { error: 'unauthorized' });
  }

  /** The partner's API, after the signature: `path` is what follows /{code}. */
  async function partnerApi(
    partner: Partner,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    path: string,
  ) {
    const raw = await readBody(req);
    verify(partner, req, raw);
    const route = `${req.method} ${path.replace(/^\/v1\/(disbursements|settlements)\/[^/]+$/, '/v1/$1/:id')}`;
    const known = [
      'POST /v1/account-inquiries',
      'POST /v1/disbursements',
      'GET /v1/disbursements/:id',
      'GET /v1/settlements/:id',
    ];
    if (!known.includes(route)) throw new HttpError(404, { error: 'not-found' });
    const { faults } = partner;
    if (faults.latencyMs) await sleep(faults.latencyMs);
    if (faults.failureRate && partner.random() < faults.failureRate) {
      partner.counters.failures += 1;
      throw new HttpError(503, { error: 'unavailable' });
    }
    const timesOut = faults.timeoutRate > 0 && partner.random() < faults.timeoutRate;
    if (timesOut && route !== 'POST /v1/disbursements') {
      partner.counters.otherCalls += 1;
      return hold(res);
    }

    if (route === 'POST /v1/account-inquiries') {
      const body = json(raw);
      if (!str(body.accountNumber, 64)) throw bad('accountNumber');
      if (!str(body.nik, 32)) throw bad('nik');
      if (!str(body.name, 200)) throw bad('name');
      const { accountNumber, nik, name } = body;
      if (partner.rejected(accountNumber) || !partner.validAccountNumber(accountNumber))
        return send(res, 404, { found: false });
      const account =
        partner.accounts.get(accountNumber) ??
        partner.open({ accountNumber, holderName: name, nik, kycVerified: true });
      return send(res, 200, {
        found: true,
        holderName: account.holderName,
        nikMatches: account.nikHash === nikHash(nik),
        kycVerified: account.kycVerified,
      });
    }

    if (route === 'POST /v1/disbursements') {
      const body = json(raw);
      if (!str(body.reference, 128)) throw bad('reference');
      if (!str(body.accountNumber, 64)) throw bad('accountNumber');
      const amount = body.amountIdr;
      if (
        typeof amount !== 'number' ||
        !Number.isSafeInteger(amount) ||
        amount < 1 ||
        amount > MAX_AMOUNT_IDR
      )
        throw bad('amountIdr');
      const { reference, accountNumber } = body;
      const first = partner.outcomes.get(reference);
      if (first && (first.accountNumber !== accountNumber || first.amountIdr !== amount))
        return send(res, 409, { error: 'reference-conflict', reference });
      // Timeouts alternate: the first before the money moved, the next after it, and so on.
      const before = timesOut && partner.counters.beforeMoving <= partner.counters.afterMoving;
      if (timesOut && before) {
        partner.counters.beforeMoving += 1;
        return hold(res);
      }
      const outcome = first ?? partner.settle(reference, accountNumber, amount);
      if (timesOut) {
        partner.counters.afterMoving += 1;
        return hold(res);
      }
      return send(res, outcome.result.status === 'PAID' ? 200 : 422, outcome.result);
    }

    const id = decodeURIComponent(path.split('/').pop() ?? '');
    if (route === 'GET /v1/disbursements/:id') {
      const outcome = partner.outcomes.get(id);
      if (!outcome) return send(res, 404, { status: 'NOT_FOUND', reference: id });
      return send(res, 200, outcome.result);
    }

    // GET /v1/settlements/:day
    if (!/^\d{4}-\d{2}-\d{2}$/.test(id) || Number.isNaN(Date.parse(`${id}T00:00:00Z`))) throw bad('day');
    const limitText = url.searchParams.get('limit');
    const limit = limitText === null ? DEFAULT_PAGE : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw bad('limit');
    const cursor = url.searchParams.get('cursor');
    let start = 0;
    if (cursor) {
      const decoded = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
      if (!Number.isSafeInteger(decoded) || decoded < 0) throw bad('cursor');
      start = decoded;
    }
    // The ledger is append-only, so a position in the day's lines is a stable cursor.
    // The partner's settlement day: the WIB date of the payment.
    const lines: SettlementLine[] = partner.ledger.filter((line) => wibDay(line.paidAt) === id);
    const items = lines.slice(start, start + limit);
    const next = start + items.length;
    return send(res, 200, {
      day: id,
      items,
      nextCursor: next < lines.length ? Buffer.from(String(next)).toString('base64url') : null,
    });
  }

  /** The unsigned control interface of the local routes. */
  async function control(req: IncomingMessage, res: ServerResponse, code: string, what: string) {
    const partner = partnerOf(code);
    const raw = await readBody(req);
    const route = `${req.method} ${what}`;
    if (route === 'GET faults') return send(res, 200, partner.faults);
    if (route === 'POST faults') {
      const body = json(raw);
      const rate = (value: unknown, field: string) => {
        if (value === undefined) return 0;
        if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw bad(field);
        return value;
      };
      const latency = body.latencyMs ?? 0;
      if (typeof latency !== 'number' || !Number.isInteger(latency) || latency < 0 || latency > 60_000)
        throw bad('latencyMs');
      const rejectAccounts = body.rejectAccounts ?? [];
      if (!Array.isArray(rejectAccounts) || !rejectAccounts.every((a) => str(a, 64)))
        throw bad('rejectAccounts');
      partner.faults = {
        failureRate: rate(body.failureRate, 'failureRate'),
        timeoutRate: rate(body.timeoutRate, 'timeoutRate'),
        latencyMs: latency,
        rejectAccounts: [...new Set(rejectAccounts as string[])],
      };
      return send(res, 200, partner.faults);
    }
    if (route === 'POST accounts') {
      const body = json(raw);
      if (!str(body.accountNumber, 64)) throw bad('accountNumber');
      if (!str(body.holderName, 200)) throw bad('holderName');
      if (!str(body.nik, 32)) throw bad('nik');
      if (body.kycVerified !== undefined && typeof body.kycVerified !== 'boolean') throw bad('kycVerified');
      if (partner.accounts.has(body.accountNumber)) throw new HttpError(409, { error: 'account-exists' });
      const account = partner.open({
        accountNumber: body.accountNumber,
        holderName: body.holderName,
        nik: body.nik,
        kycVerified: body.kycVerified ?? true,
      });
      return send(res, 201, { partnerCode: code, ...account });
    }
    if (route === 'GET ledger') return send(res, 200, partner.view());
    if (route === 'GET clock') return send(res, 200, { now: wibTime(partner.now()) });
    if (route === 'POST clock') {
      const body = json(raw);
      if (body.now === null) partner.clockOffsetMs = 0;
      else if (typeof body.now === 'string' && !Number.isNaN(Date.parse(body.now)))
        partner.clockOffsetMs = Date.parse(body.now) - Date.now();
      else throw bad('now');
      return send(res, 200, { now: wibTime(partner.now()) });
    }
    throw new HttpError(404, { error: 'not-found' });
  }

  const server = createLocalServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://local');
      const parts = url.pathname.split('/');
      if (parts[1] === '_control' && parts.length === 4) return await control(req, res, parts[2]!, parts[3]!);
      const code = parts[1] ?? '';
      const prefix = `/${code}`;
      return await partnerApi(partnerOf(code), req, res, url, url.pathname.slice(prefix.length));
    } catch (error) {
      if (res.headersSent || res.destroyed) return;
      if (error instanceof HttpError) return send(res, error.status, error.body);
      send(res, 500, { error: 'internal' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    /** The simulator's root: partners under /{code}, the control interface under /_control. */
    endpoint,
    /** Each partner's base URL, as PAYMENT_PARTNER_ENDPOINTS names them. */
    endpoints: Object.fromEntries(PAYMENT_PARTNERS.map((p) => [p.code, `${endpoint}/${p.code}`])),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
