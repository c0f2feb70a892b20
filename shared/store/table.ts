// The single table's shape, declared once: the CDK app and the local stack both build
// the table from this. Items carry `type`-prefixed keys (declared in items.ts).
export const TABLE = {
  partitionKey: 'PK',
  sortKey: 'SK',
  ttlAttribute: 'expiresAtEpoch',
  /** The transactional outbox's stream: notifications/send-outbox reads new Outbox items. */
  stream: 'NEW_IMAGE',
  /** Sparse GSIs: an item appears in an index only when it has that index's key. */
  indexes: [
    // Waves by opening time (few items, one partition is fine); participants who have
    // not bought a first course, by purchase deadline, in 16 shards.
    { name: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK', projection: 'ALL' },
    // A wave's applicants, sharded so the join path has no hot partition.
    { name: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK', projection: 'ALL' },
    // A wave's draw: eligible applicants in draw-key order, bucketed by the key's first
    // byte. Keys only: the draw counts and cuts here, and reads nothing else.
    { name: 'GSI3', partitionKey: 'GSI3PK', sortKey: 'GSI3SK', projection: 'KEYS_ONLY' },
  ],
} as const;

export type IndexName = (typeof TABLE.indexes)[number]['name'];
