// The civil-registry port: what the programme needs from Dukcapil's NIK verification. On
// AWS the HTTPS adapter (contexts/registry/https.ts) speaks to the registry's endpoint; on
// one machine the same adapter speaks to the simulator (local/registry.ts).

export interface IdentityQuery {
  /** Sent over TLS only; never logged or stored in clear. */
  nik: string;
  /** The name as registered on the account. */
  name: string;
  /** YYYY-MM-DD. */
  birthDate: string;
}

/** match: the NIK exists and its name and birth date agree; mismatch: it exists, they do
 *  not; not-found: no such NIK. */
export type RegistryResult = 'match' | 'mismatch' | 'not-found';

export interface RegistryPort {
  check(query: IdentityQuery): Promise<RegistryResult>;
}

/** No answer now (5xx, 429 over the registry's capacity, unreachable, timed out): the
 *  check is retried later; a NIK check changes nothing at the registry. */
export class RegistryUnavailable extends Error {
  override name = 'RegistryUnavailable';
  constructor(
    message: string,
    readonly reason: 'unavailable' | 'timeout' | 'throttled',
  ) {
    super(message);
  }
}

/** Refused as a bad request (400, 401, 403, an answer outside the protocol): keys or
 *  endpoint misconfigured; retried like an outage, and alarmed on (docs/runbook.md). */
export class RegistryRefused extends Error {
  override name = 'RegistryRefused';
  constructor(
    message: string,
    readonly httpStatus: number,
  ) {
    super(message);
  }
}
