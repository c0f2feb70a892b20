import { randomBytes, randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type AuditEntry,
  type Credential,
  type Partner,
  partnerAudit,
  partnerCode,
  partnerCredential,
  partner as partnerItem,
  partnerKeysPartition,
  partnersPartition,
} from '#contexts/partners/items.ts';
import { type Criteria, MAX_ACTIVE_KEYS, type PartnerStatus } from '#contexts/partners/rules/partners.ts';
import { clock } from '#platform/clock.ts';
import { decrypt, encrypt } from '#platform/crypto.ts';
import { db, tableName } from '#platform/store/client.ts';
import { IndexCursor, sealCursor, startOf } from '#platform/store/cursor.ts';
import { queryAll } from '#platform/store/paginate.ts';
import { ConditionFailed, labelled, type TransactItem, transact } from '#platform/store/transact.ts';

export type { PartnerKind, PartnerStatus } from '#contexts/partners/rules/partners.ts';

const partnerKey = (partnerId: string) => partnerItem.key({ partnerId });
const credentialKey = (keyId: string) => partnerCredential.key({ keyId });

function auditPut(partnerId: string, entry: AuditEntry): TransactItem {
  return {
    Put: {
      TableName: tableName(),
      Item: partnerAudit.item(entry, { partnerId, at: entry.at, id: randomUUID() }),
    },
  };
}

/** Inserts a partner with its unique code; false when the code is taken. */
export async function insertPartner(partner: Partner, by = 'system'): Promise<boolean> {
  const TableName = tableName();
  const absent = 'attribute_not_exists(PK)';
  try {
    await transact([
      {
        Put: {
          TableName,
          Item: partnerCode.item({ partnerId: partner.partnerId }, partner),
          ConditionExpression: absent,
        },
      },
      {
        Put: {
          TableName,
          Item: partnerItem.item({ activeKeys: 0, ...partner }),
          ConditionExpression: absent,
        },
      },
      auditPut(partner.partnerId, { at: partner.createdAt, by, action: 'created', to: partner.status }),
    ]);
    return true;
  } catch (error) {
    if (error instanceof ConditionFailed) return false;
    throw error;
  }
}

export async function getPartner(partnerId: string): Promise<Partner | undefined> {
  const out = await db().send(
    new GetCommand({ TableName: tableName(), Key: partnerKey(partnerId), ConsistentRead: true }),
  );
  return partnerItem.parse(out.Item);
}

export async function findPartnerByCode(code: string): Promise<Partner | undefined> {
  const out = await db().send(new GetCommand({ TableName: tableName(), Key: partnerCode.key({ code }) }));
  const marker = partnerCode.parse(out.Item);
  return marker ? getPartner(marker.partnerId) : undefined;
}

/** Partners listed by code (older items without the listing keys get them on seeding). */
export async function listPartners(limit: number, cursor?: string) {
  const start = await startOf('partners', cursor, IndexCursor);
  const out = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :p',
      ExpressionAttributeValues: { ':p': partnersPartition },
      Limit: limit,
      ExclusiveStartKey: start,
    }),
  );
  return {
    partners: (out.Items ?? []).map((i) => partnerItem.parse(i)),
    nextCursor: await sealCursor('partners', out.LastEvaluatedKey),
  };
}

export async function ensureListed(partner: Partner): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: partnerKey(partner.partnerId),
      UpdateExpression: 'SET GSI1PK = :pk, GSI1SK = :sk, activeKeys = if_not_exists(activeKeys, :zero)',
      ExpressionAttributeValues: { ':pk': partnersPartition, ':sk': partner.code, ':zero': 0 },
    }),
  );
}

export class TransitionConflict extends Error {}

/** Moves a partner from `from` to `to` (and records criteria) with its audit entry, on
 *  condition it is still in `from`: two administrators cannot both move it. */
export async function transitionPartner(
  partnerId: string,
  move: { from: PartnerStatus; to: PartnerStatus; criteria?: Criteria; note: string; by: string; at: string },
): Promise<void> {
  try {
    await transact([
      {
        Update: {
          TableName: tableName(),
          Key: partnerKey(partnerId),
          UpdateExpression: `SET #status = :to, updatedAt = :at${move.criteria ? ', criteria = :criteria' : ''}`,
          ConditionExpression: '#status = :from',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':to': move.to,
            ':from': move.from,
            ':at': move.at,
            ...(move.criteria ? { ':criteria': move.criteria } : {}),
          },
        },
      },
      auditPut(partnerId, {
        at: move.at,
        by: move.by,
        action: 'transition',
        from: move.from,
        to: move.to,
        note: move.note,
      }),
    ]);
  } catch (error) {
    if (error instanceof ConditionFailed) throw new TransitionConflict();
    throw error;
  }
}

export async function auditTrail(partnerId: string): Promise<AuditEntry[]> {
  const { PK, SKPrefix } = partnerAudit.partition({ partnerId });
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :audit)',
    ExpressionAttributeValues: { ':pk': PK, ':audit': SKPrefix },
  });
  return items.map((i) => partnerAudit.parse(i));
}

export class TooManyKeys extends Error {}

/** A new key pair for a partner, at most two active at once; the clear secret is
 *  returned once and never stored. */
export async function issueCredential(
  partnerId: string,
  now: Date,
  by = 'system',
): Promise<{ keyId: string; secret: string }> {
  const keyId = `pk_${randomBytes(12).toString('base64url')}`;
  const secret = randomBytes(32).toString('base64url');
  const at = now.toISOString();
  const credential: Credential = {
    keyId,
    partnerId,
    secretSealed: await encrypt(secret),
    status: 'ACTIVE',
    createdAt: at,
  };
  try {
    await transact([
      labelled('too-many-keys', {
        Update: {
          TableName: tableName(),
          Key: partnerKey(partnerId),
          UpdateExpression: 'ADD activeKeys :one',
          ConditionExpression:
            'attribute_exists(PK) AND (attribute_not_exists(activeKeys) OR activeKeys < :max)',
          ExpressionAttributeValues: { ':one': 1, ':max': MAX_ACTIVE_KEYS },
        },
      }),
      {
        Put: {
          TableName: tableName(),
          Item: partnerCredential.item(credential),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      auditPut(partnerId, { at, by, action: 'key-issued', keyId }),
    ]);
  } catch (error) {
    if (error instanceof ConditionFailed && error.label === 'too-many-keys') throw new TooManyKeys();
    throw error;
  }
  return { keyId, secret };
}

/** Revokes a key at once: the next request signed with it is refused. False when the
 *  key is not this partner's or is already revoked. */
export async function revokeCredential(
  partnerId: string,
  keyId: string,
  now: Date,
  by: string,
): Promise<boolean> {
  const at = now.toISOString();
  try {
    await transact([
      {
        Update: {
          TableName: tableName(),
          Key: credentialKey(keyId),
          UpdateExpression: 'SET #status = :revoked, revokedAt = :at',
          ConditionExpression: 'partnerId = :partner AND #status = :active',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':revoked': 'REVOKED',
            ':active': 'ACTIVE',
            ':at': at,
            ':partner': partnerId,
          },
        },
      },
      {
        Update: {
          TableName: tableName(),
          Key: partnerKey(partnerId),
          UpdateExpression: 'ADD activeKeys :minus',
          ExpressionAttributeValues: { ':minus': -1 },
        },
      },
      auditPut(partnerId, { at, by, action: 'key-revoked', keyId }),
    ]);
    return true;
  } catch (error) {
    if (error instanceof ConditionFailed) return false;
    throw error;
  }
}

export async function getCredential(keyId: string): Promise<(Credential & { secret: string }) | undefined> {
  const out = await db().send(
    new GetCommand({ TableName: tableName(), Key: credentialKey(keyId), ConsistentRead: true }),
  );
  const credential = partnerCredential.parse(out.Item);
  return credential ? { ...credential, secret: await decrypt(credential.secretSealed) } : undefined;
}

export async function listCredentials(partnerId: string): Promise<Credential[]> {
  const items = await queryAll({
    IndexName: 'GSI1',
    KeyConditionExpression: 'GSI1PK = :pk',
    ExpressionAttributeValues: { ':pk': partnerKeysPartition(partnerId) },
  });
  return items.map((i) => partnerCredential.parse(i));
}

/**
 * How long a container trusts what it read of a signing key and of its partner (the
 * signed request's two reads): a revoked key, or a partner no longer LIVE (or with a new
 * rate), is refused by every container within this long. Read on the backend clock, so
 * the local stack's /_local/clock can pass it.
 */
export const PARTNER_CACHE_TTL_MS = 5_000;
/** Bounds the memory a flood of keys could take (a miss is not kept anyway). */
const MAX_CACHED = 10_000;

interface Cached<T> {
  atMs: number;
  value: Promise<T | undefined>;
}

/** One read per id and TTL in this container, concurrent askers sharing it; an absent
 *  item or a failed read is not kept (a key issued a moment ago works at once). */
function cachedRead<T>(
  cache: Map<string, Cached<T>>,
  id: string,
  read: (id: string) => Promise<T | undefined>,
): Promise<T | undefined> {
  const now = clock.nowMs();
  const hit = cache.get(id);
  // A clock moved back makes an entry look young: only an age in [0, TTL) is fresh.
  if (hit && now >= hit.atMs && now - hit.atMs < PARTNER_CACHE_TTL_MS) return hit.value;
  const entry: Cached<T> = { atMs: now, value: read(id) };
  cache.delete(id);
  cache.set(id, entry);
  const forget = () => {
    if (cache.get(id) === entry) cache.delete(id);
  };
  entry.value.then((value) => value === undefined && forget(), forget);
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
  return entry.value;
}

const credentials = new Map<string, Cached<Credential & { secret: string }>>();
const partners = new Map<string, Cached<Partner>>();

/** getCredential, at most PARTNER_CACHE_TTL_MS old. */
export const cachedCredential = (keyId: string) => cachedRead(credentials, keyId, getCredential);
/** getPartner, at most PARTNER_CACHE_TTL_MS old. */
export const cachedPartner = (partnerId: string) => cachedRead(partners, partnerId, getPartner);
