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
    // A wave's applicants, sharded so the join path has no hot partition, sorted by family
    // card. Written once per application, at join: the selection writes nothing here.
    { name: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK', projection: 'ALL' },
  ],
} as const;

export type IndexName = (typeof TABLE.indexes)[number]['name'];
