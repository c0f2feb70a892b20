import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ItemName } from '#contexts/items.ts';
import { itemType } from '#contexts/items.ts';
import type { IndexName } from '#platform/store/table.ts';
import { itemActions, type TableAction, tableAccess, type Uses } from '#platform/uses.ts';

// A function's table grants, derived from the item types its `uses` names (platform/uses.ts)
// and their key formats (contexts/items.ts): exactly the declared actions, on the
// table, limited by `dynamodb:LeadingKeys` to the partitions of those item types
// (`ACCOUNT#<accountId>` -> `ACCOUNT#*`). What AWS documents, and how it is followed here:
// - LeadingKeys is the partition key value(s) a request names; it is multivalued, so a
//   condition on it takes `ForAllValues` (StringLike for the `*` patterns): every
//   partition a request touches must match one of the patterns.
// - BatchGetItem and BatchWriteItem name many keys: ForAllValues holds each of them to the
//   patterns. BatchWriteItem is one action for puts and deletes alike, so it is granted
//   only for `put-many`, never with a plain `put`.
// - TransactWriteItems and TransactGetItems have no action of their own: each Put, Update,
//   Delete and Get in them is authorized as PutItem, UpdateItem, DeleteItem and GetItem,
//   and a ConditionCheck as ConditionCheckItem ("Using IAM with DynamoDB transactions"),
//   item by item, each item's partition against these same statements.
// - A Query on a GSI is authorized on the index's ARN (`table/<name>/index/<index>`). The
//   documentation does not say LeadingKeys holds the index's partition key there, so an
//   index is granted Query alone, on that index's ARN alone, with no condition: it reads
//   whatever the index projects (ALL), and writes nothing.
// - Scan is never granted. The partition is all IAM sees: items that share one (an
//   account's profile, ledger, incentives...) share their grant, and `*` matches `#` too,
//   so a pattern also covers longer partitions with the same start (`PAYOUTRUN#*` covers a
//   batch's instructions, `PAYOUTRUN#<runId>#<batchId>`). The local stack's check
//   (platform/uses.ts `requireTable`) goes by the whole key and the sort key too.
// A key format whose partition starts with a part has no pattern: its declaration says
// `leadingKeys: 'unexpressible'` and why, and gets its actions without a condition.

export interface TableGrantTargets {
  tableArn: string;
  indexArn: (name: IndexName) => string;
  /** The table's customer-managed key, if it has one. */
  keyArn?: string;
}

/** As Table.grantReadData / grantReadWriteData grant the table's key. */
const KEY_READ = ['kms:Decrypt', 'kms:DescribeKey'];
const KEY_WRITE = [...KEY_READ, 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'];

const ORDER: TableAction[] = [
  'GetItem',
  'BatchGetItem',
  'Query',
  'ConditionCheckItem',
  'PutItem',
  'BatchWriteItem',
  'UpdateItem',
  'DeleteItem',
];
const iam = (actions: Iterable<TableAction>) =>
  ORDER.filter((a) => new Set(actions).has(a)).map((a) => `dynamodb:${a}`);

/** The LeadingKeys patterns of `uses` with the actions on each (items that share a
 *  partition format share its actions: IAM cannot tell them apart), and the actions on
 *  item types whose partition has no pattern. */
export function partitionActions(
  uses: Uses,
  typeOf: (name: ItemName) => { leadingKeys: string | undefined } = itemType,
): {
  byPattern: Map<string, Set<TableAction>>;
  unconditioned: Map<ItemName, Set<TableAction>>;
} {
  const byPattern = new Map<string, Set<TableAction>>();
  const unconditioned = new Map<ItemName, Set<TableAction>>();
  for (const [name, actions] of itemActions(uses)) {
    const pattern = typeOf(name).leadingKeys;
    if (pattern === undefined) unconditioned.set(name, actions);
    else byPattern.set(pattern, new Set([...(byPattern.get(pattern) ?? []), ...actions]));
  }
  return { byPattern, unconditioned };
}

/**
 * The statements `uses` grants on the table, its indexes and its key: one per distinct
 * action set (its patterns in one LeadingKeys condition), one unconditioned for the item
 * types that have no pattern, one for the queried indexes, one for the key.
 */
export function tableStatements(
  uses: Uses,
  targets: TableGrantTargets,
  typeOf?: (name: ItemName) => { leadingKeys: string | undefined },
): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  const { byPattern, unconditioned } = partitionActions(uses, typeOf);
  const groups = new Map<string, string[]>();
  for (const [pattern, actions] of byPattern) {
    const key = iam(actions).join(',');
    groups.set(key, [...(groups.get(key) ?? []), pattern]);
  }
  for (const [key, patterns] of [...groups].sort(([a], [b]) => a.localeCompare(b)))
    statements.push(
      new PolicyStatement({
        actions: key.split(','),
        resources: [targets.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': patterns.sort() } },
      }),
    );
  const bare = new Set([...unconditioned.values()].flatMap((actions) => [...actions]));
  if (bare.size) statements.push(new PolicyStatement({ actions: iam(bare), resources: [targets.tableArn] }));
  const indexes = Object.keys(uses.indexes ?? {}).sort() as IndexName[];
  if (indexes.length)
    statements.push(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: indexes.map((name) => targets.indexArn(name)),
      }),
    );
  const access = tableAccess(uses);
  if (access && targets.keyArn)
    statements.push(
      new PolicyStatement({
        actions: access === 'write' ? KEY_WRITE : KEY_READ,
        resources: [targets.keyArn],
      }),
    );
  return statements;
}
