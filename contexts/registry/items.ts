import type { RegistryResult } from '#contexts/registry/port.ts';
import { item } from '#platform/store/item.ts';
import { shardOf as hashShard } from '#platform/store/shard.ts';

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
  /** PENDING only: the waves joined while this check pends, each with a
   *  `pendingApplicant` marker the answer deletes in its own transaction. */
  waves?: Set<string>;
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

/** An applicant of a wave whose registry check pends: written by the join while the check
 *  is PENDING, deleted by the check's answer, both in the transaction that writes the
 *  check, so a wave's markers are exactly its applicants still waiting for the registry.
 *  In the applicant's own partition (no shared item on the join path), listed on GSI1 in
 *  PENDING_APPLICANT_SHARDS partitions per wave, which hold nothing once the checks are in. */
export interface PendingApplicant {
  accountId: string;
  waveId: string;
  checkId: string;
  since: string;
}

export const PENDING_APPLICANT_SHARDS = 16;
export const pendingApplicantsPartition = (waveId: string, shard: number) =>
  `REGISTRY_PENDING_WAVE#${waveId}#${shard}`;

export const pendingApplicant = item<PendingApplicant>()({
  type: 'PendingApplicant',
  key: ({ accountId, waveId }: { accountId: string; waveId: string }) => ({
    PK: `ACCOUNT#${accountId}`,
    SK: `REGISTRY_PENDING#${waveId}`,
  }),
  indexes: (p) => ({
    GSI1PK: pendingApplicantsPartition(p.waveId, hashShard(p.accountId, PENDING_APPLICANT_SHARDS)),
    GSI1SK: p.accountId,
  }),
});
