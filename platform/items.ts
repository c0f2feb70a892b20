import { createHash } from 'node:crypto';
import { item } from '#platform/store/item.ts';

// The platform's own items: Idempotency-Key records (http/idempotency.ts) and the audit
// trail's records and index keys (audit-trail.ts), which contexts' money items share.

export interface IdempotencyRecord {
  state: 'RUNNING' | 'DONE';
  fingerprint: string;
  lockedUntil: number;
  expiresAtEpoch: number;
  reply?: string;
}

export const idempotency = item<IdempotencyRecord>()({
  type: 'IdempotencyRecord',
  key: ({ hash }: { hash: string }) => ({ PK: `IDEMPOTENCY#${hash}`, SK: 'IDEMPOTENCY' }),
});

/** Shards of each audit hour: 16 x 1,000 writes a second (see `auditIndex`). */
export const AUDIT_SHARDS = 16;

/** The shard of an audit entry: from a hash of its id, so it is stable and spread evenly. */
export function auditShardOf(id: string): number {
  return createHash('sha256').update(id).digest().readUInt16BE(0) % AUDIT_SHARDS;
}

/** The audit trail's partition: an hour (`yyyy-mm-ddThh`, UTC) and a shard of it. */
export const auditPartition = (hour: string, shard: number) =>
  `AUDIT#${hour}#${String(shard).padStart(2, '0')}`;

/** What the detail of a record may hold: small, flat, never personal data (no NIK, no
 *  account number in clear, no secret). */
export type AuditDetail = Record<string, string | number | boolean | null>;

export interface AuditRecord {
  id: string;
  at: string;
  /** The administrator's accountId, `system`, or `partner:<code>`. */
  actor: string;
  role: string;
  /** Dotted: `wave.created`, `partner.transition`, `payout-run.approved`, ... */
  kind: string;
  /** The id acted on. */
  subject: string;
  detail: AuditDetail;
}

/** The hour partition of an ISO 8601 UTC time: `2026-04-11T08:15:00.000Z` -> `2026-04-11T08`. */
export const hourOf = (at: string) => at.slice(0, 13);

/**
 * The audit index keys (GSI1, contexts/audit/store/audit.ts): every item type that is part of
 * the audit trail (audit records, ledger entries, ...) is written with these, so it is
 * listed there without a second write. One partition per UTC hour and shard: a partition
 * takes at most 1,000 writes a second, and at draw and payout rates (hundreds of thousands
 * of ledger movements) one hour's partition would throttle the very transactions that move
 * the money; 16 shards take 16,000 a second, and a reader merges an hour's shards newest
 * first. The sort key `<at>#<id>` is unique (ids are), which is what lets the merge resume
 * from one key. `auditActor` and `auditKind` are what the trail filters on (plain
 * attributes, read only by the index's FilterExpression; `parse` drops them).
 */
export function auditIndex(entry: { at: string; id: string; actor: string; kind: string }) {
  return {
    GSI1PK: auditPartition(hourOf(entry.at), auditShardOf(entry.id)),
    GSI1SK: `${entry.at}#${entry.id}`,
    auditActor: entry.actor,
    auditKind: entry.kind,
  };
}

/** An administrator's (or the system's, or a partner's) action: append-only (store/audit.ts). */
export const auditRecord = item<AuditRecord>()({
  type: 'AuditRecord',
  key: ({ id }: { id: string }) => ({ PK: `AUDIT#${id}`, SK: 'AUDIT' }),
  indexes: (r) => auditIndex({ at: r.at, id: r.id, actor: r.actor, kind: r.kind }),
});

/** A partner signature accepted in the signing window (store/signatures.ts). */
export const acceptedSignature = item<{ idempotencyKey: string; expiresAtEpoch: number }>()({
  type: 'AcceptedSignature',
  key: ({ hash }: { hash: string }) => ({ PK: `SIGNATURE#${hash}`, SK: 'SIGNATURE' }),
});
