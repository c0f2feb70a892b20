import type { RegistryResult } from '#contexts/registry/port.ts';
import { item } from '#platform/store/item.ts';

// The civil-registry (Dukcapil) check of an account's identity: one item per account,
// beside the profile it checks, so GET /v1/me reads it in the same Query. It holds the
// NIK only as the profile does, by its keyed hash: the consumer reads the sealed NIK from
// the profile when it calls the registry.

export type RegistryCheckStatus = 'PENDING' | 'VERIFIED' | 'FAILED';

export interface RegistryCheck {
  accountId: string;
  /** A new id for every identity the profile is saved with: a message naming another
   *  (an earlier NIK or birth date) is stale and dropped. */
  checkId: string;
  /** The identity checked: the profile's NIK hash and birth date when the check began. */
  nikHash: string;
  birthDate: string;
  status: RegistryCheckStatus;
  /** The registry's answer, once there is one. */
  result?: RegistryResult;
  /** Calls made to the registry for this check (answered or not). */
  attempts: number;
  requestedAt: string;
  lastTriedAt?: string;
  /** Why the last call got no answer (`unavailable`, `timeout`, `refused`). */
  lastError?: string;
  checkedAt?: string;
  /** PENDING only: when the sweep sends it again if no answer was recorded by then (the
   *  send after the profile's transaction is not part of it: a crash between them is
   *  caught here). Indexed on GSI1 while PENDING. */
  sweepAt?: string;
}

/** Shards of the pending checks' index partition: a rush of profiles writes no hot key. */
export const PENDING_SHARDS = 16;
export const pendingPartition = (shard: number) => `REGISTRY_PENDING#${shard}`;
const shardOf = (accountId: string) =>
  Number.parseInt(accountId.replace(/[^0-9a-f]/gi, '').slice(-2) || '0', 16) % PENDING_SHARDS;

export const registryCheck = item<RegistryCheck>()({
  type: 'RegistryCheck',
  key: ({ accountId }: { accountId: string }) => ({ PK: `ACCOUNT#${accountId}`, SK: 'REGISTRY_CHECK' }),
  // sweepAt is set while PENDING only (the answer removes it, with the index keys).
  indexes: (c): Record<string, string> =>
    c.sweepAt ? { GSI1PK: pendingPartition(shardOf(c.accountId)), GSI1SK: c.sweepAt } : {},
});
