// The single table's shape, declared once: the CDK app and the local stack both build
// the table from this. Items carry `type`-prefixed keys (see keys.ts).
export const TABLE = {
  partitionKey: 'PK',
  sortKey: 'SK',
  ttlAttribute: 'expiresAtEpoch',
  /** Sparse GSIs: an item appears in an index only when it has that index's key. */
  indexes: [
    // Waves listed by opening time (few items, one partition is fine).
    { name: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
    // A wave's applicants, sharded so the join path has no hot partition.
    { name: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
  ],
} as const;

export type IndexName = (typeof TABLE.indexes)[number]['name'];
