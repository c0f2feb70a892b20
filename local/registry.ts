import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RegistryKey } from '#contexts/registry/https.ts';
import { createLocalServer } from '#local/http-server.ts';
import { signatureMatches, withinWindow } from '#platform/signing.ts';

/*
 * The local simulator of the civil registry (Dukcapil): one node:http server on 127.0.0.1
 * speaking the NIK verification API of contexts/registry/https.ts and checking every
 * request's signature with the key the stack generated (.local/keys.json).
 *
 * Its population: every NIK it has not been told about exists, with the name and birth
 * date it is asked about (so the demo's and the tests' citizens are verified); a person
 * put through the control interface (POST /_control/people {nik, name, birthDate} or
 * {nik, absent: true}) answers `mismatch` to another name or birth date (names compared
 * without case, spaces or punctuation), and `not-found` when absent. NIKs are kept as
 * SHA-256 hashes, never in clear.
 *
 * Its limits (POST /_control/faults): capacityPerSecond, calls answered a second (beyond
 * it: 429, as the registry's gateway refuses a programme over its agreed rate); latencyMs
 * added to every call; outage: every call answered 503. GET /_control/stats counts the
 * calls by answer. Nothing is kept across a restart.
 */

export interface RegistryFaults {
  capacityPerSecond: number;
  latencyMs: number;
  outage: boolean;
}

export interface RegistryStats {
  calls: number;
  match: number;
  mismatch: number;
  notFound: number;
  unavailable: number;
  throttled: number;
  unauthorized: number;
}

interface Person {
  name?: string;
  birthDate?: string;
  absent?: boolean;
}

const NO_FAULTS: RegistryFaults = { capacityPerSecond: 1000, latencyMs: 0, outage: false };

const hashOf = (nik: string) => createHash('sha256').update(nik).digest('hex');
const normalName = (name: string) => name.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function parse(raw: Buffer): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(raw.toString('utf8')) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export async function startRegistrySimulator(options: { key: RegistryKey }) {
  let faults: RegistryFaults = { ...NO_FAULTS };
  const people = new Map<string, Person>();
  const stats: RegistryStats = {
    calls: 0,
    match: 0,
    mismatch: 0,
    notFound: 0,
    unavailable: 0,
    throttled: 0,
    unauthorized: 0,
  };
  // The capacity's window: calls taken in the current second.
  let second = 0;
  let taken = 0;

  function verified(req: IncomingMessage, raw: Buffer): boolean {
    const header = (name: string) => {
      const value = req.headers[name];
      return typeof value === 'string' ? value : '';
    };
    const timestamp = header('x-prakerja-timestamp');
    return (
      header('x-prakerja-key-id') === options.key.keyId &&
      withinWindow(timestamp, new Date()) &&
      signatureMatches(
        options.key.secret,
        { timestamp, method: req.method ?? 'GET', pathWithQuery: req.url ?? '/', body: raw },
        header('x-prakerja-signature'),
      )
    );
  }

  function answer(body: Record<string, unknown>): 'match' | 'mismatch' | 'not-found' {
    const person = people.get(hashOf(String(body.nik)));
    if (!person) return 'match';
    if (person.absent) return 'not-found';
    const sameName = person.name === undefined || normalName(person.name) === normalName(String(body.name));
    const sameBirth = person.birthDate === undefined || person.birthDate === body.birthDate;
    return sameName && sameBirth ? 'match' : 'mismatch';
  }

  async function verification(req: IncomingMessage, res: ServerResponse) {
    const raw = await readBody(req);
    stats.calls += 1;
    if (!verified(req, raw)) {
      stats.unauthorized += 1;
      return send(res, 401, { error: 'unauthorized' });
    }
    const body = parse(raw);
    if (
      !body ||
      typeof body.nik !== 'string' ||
      !/^\d{16}$/.test(body.nik) ||
      typeof body.name !== 'string' ||
      typeof body.birthDate !== 'string'
    )
      return send(res, 400, { error: 'bad-request' });
    const now = Math.floor(Date.now() / 1000);
    if (now !== second) {
      second = now;
      taken = 0;
    }
    if (taken >= faults.capacityPerSecond) {
      stats.throttled += 1;
      return send(res, 429, { error: 'over-capacity' });
    }
    taken += 1;
    if (faults.latencyMs) await sleep(faults.latencyMs);
    // Read after the latency: an outage that begins while a call waits answers it 503.
    if (faults.outage) {
      stats.unavailable += 1;
      return send(res, 503, { error: 'unavailable' });
    }
    const result = answer(body);
    stats[result === 'not-found' ? 'notFound' : result] += 1;
    return send(res, 200, { result });
  }

  async function control(req: IncomingMessage, res: ServerResponse, path: string) {
    if (req.method === 'GET' && path === '/_control/stats') return send(res, 200, stats);
    if (req.method === 'GET' && path === '/_control/faults') return send(res, 200, faults);
    const body = parse(await readBody(req)) ?? {};
    if (req.method === 'POST' && path === '/_control/faults') {
      faults = { ...NO_FAULTS, ...(body as Partial<RegistryFaults>) };
      return send(res, 200, faults);
    }
    if (req.method === 'POST' && path === '/_control/people' && typeof body.nik === 'string') {
      const person: Person = body.absent
        ? { absent: true }
        : {
            ...(typeof body.name === 'string' ? { name: body.name } : {}),
            ...(typeof body.birthDate === 'string' ? { birthDate: body.birthDate } : {}),
          };
      people.set(hashOf(body.nik), person);
      return send(res, 200, { people: people.size });
    }
    return send(res, 404, { error: 'not-found' });
  }

  const server = createLocalServer(async (req, res) => {
    try {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (path.startsWith('/_control/')) return await control(req, res, path);
      if (req.method === 'POST' && path === '/v1/nik-verifications') return await verification(req, res);
      return send(res, 404, { error: 'not-found' });
    } catch {
      if (!res.headersSent) send(res, 400, { error: 'bad-request' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
