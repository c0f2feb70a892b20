import type { Criteria, PartnerKind, PartnerStatus } from '#contexts/partners/rules/partners.ts';
import { item } from '#platform/store/item.ts';

export const partnersPartition = 'PARTNERS';

export const partnerKeysPartition = (partnerId: string) => `PARTNERKEYS#${partnerId}`;

// The partner registry: one item per partner (listed through GSI1 by code), a marker
// for its unique code, an audit entry per lifecycle move or key change in its own
// partition, and one item per signing key (secret sealed with the data key).
export interface Partner {
  partnerId: string;
  name: string;
  kind: PartnerKind;
  code: string;
  status: PartnerStatus;
  createdAt: string;
  criteria?: Criteria;
  activeKeys?: number;
  /** Requests per second this partner may make (the API's own limit, besides WAF's). */
  rateLimitPerSecond?: number;
}

export interface Credential {
  keyId: string;
  partnerId: string;
  /** Encrypted at rest: a read of the table alone cannot sign requests. */
  secretSealed: string;
  status: 'ACTIVE' | 'REVOKED';
  createdAt: string;
  revokedAt?: string;
}

export interface AuditEntry {
  at: string;
  by: string;
  action: 'created' | 'transition' | 'key-issued' | 'key-revoked';
  from?: PartnerStatus;
  to?: PartnerStatus;
  keyId?: string;
  note?: string;
}

export const partner = item<Partner>()({
  type: 'Partner',
  key: ({ partnerId }: { partnerId: string }) => ({ PK: `PARTNER#${partnerId}`, SK: 'PARTNER' }),
  indexes: (p) => ({ GSI1PK: partnersPartition, GSI1SK: p.code }),
});

/** The partner code's uniqueness marker. */
export const partnerCode = item<{ partnerId: string }>()({
  type: 'PartnerCode',
  key: ({ code }: { code: string }) => ({ PK: `PARTNERCODE#${code}`, SK: 'PARTNERCODE' }),
  untagged: true,
});

export const partnerCredential = item<Credential>()({
  type: 'PartnerCredential',
  key: ({ keyId }: { keyId: string }) => ({ PK: `PARTNERKEY#${keyId}`, SK: 'PARTNERKEY' }),
  indexes: (c) => ({ GSI1PK: partnerKeysPartition(c.partnerId), GSI1SK: c.keyId }),
});

export const partnerAudit = item<AuditEntry>()({
  type: 'PartnerAudit',
  key: ({ partnerId, at, id }: { partnerId: string; at: string; id: string }) => ({
    PK: `PARTNER#${partnerId}`,
    SK: `AUDIT#${at}#${id}`,
  }),
});
