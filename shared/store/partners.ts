import { randomBytes } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { decrypt, encrypt } from '#shared/crypto.ts';
import { db, tableName } from '#shared/store/client.ts';
import { ConditionFailed, transact } from '#shared/store/transact.ts';

export type PartnerKind = 'platform' | 'payment';
export type PartnerStatus =
  | 'APPLIED'
  | 'MOU_SIGNED'
  | 'AGREEMENT_SIGNED'
  | 'INTEGRATING'
  | 'LIVE'
  | 'SUSPENDED';

export interface Partner {
  partnerId: string;
  name: string;
  kind: PartnerKind;
  code: string;
  status: PartnerStatus;
  createdAt: string;
}

export interface Credential {
  keyId: string;
  partnerId: string;
  /** Encrypted at rest: a read of the table alone cannot sign requests. */
  secretSealed: string;
  status: 'ACTIVE' | 'REVOKED';
  createdAt: string;
}

const partnerKey = (partnerId: string) => ({ PK: `PARTNER#${partnerId}`, SK: 'PARTNER' });
const codeKey = (code: string) => ({ PK: `PARTNERCODE#${code}`, SK: 'PARTNERCODE' });
const credentialKey = (keyId: string) => ({ PK: `PARTNERKEY#${keyId}`, SK: 'PARTNERKEY' });

/** Inserts a partner with its unique code; false when the code is taken. */
export async function insertPartner(partner: Partner): Promise<boolean> {
  const TableName = tableName();
  const absent = 'attribute_not_exists(PK)';
  try {
    await transact([
      {
        Put: {
          TableName,
          Item: { ...codeKey(partner.code), partnerId: partner.partnerId },
          ConditionExpression: absent,
        },
      },
      {
        Put: {
          TableName,
          Item: { ...partnerKey(partner.partnerId), type: 'Partner', ...partner },
          ConditionExpression: absent,
        },
      },
    ]);
    return true;
  } catch (error) {
    if (error instanceof ConditionFailed) return false;
    throw error;
  }
}

export async function findPartnerByCode(code: string): Promise<Partner | undefined> {
  const marker = await db().send(new GetCommand({ TableName: tableName(), Key: codeKey(code) }));
  if (!marker.Item) return undefined;
  const out = await db().send(
    new GetCommand({ TableName: tableName(), Key: partnerKey(marker.Item.partnerId) }),
  );
  return out.Item as Partner | undefined;
}

/** A new key pair for a partner; the clear secret is returned once and never stored. */
export async function issueCredential(
  partnerId: string,
  now: Date,
): Promise<{ keyId: string; secret: string }> {
  const keyId = `pk_${randomBytes(12).toString('base64url')}`;
  const secret = randomBytes(32).toString('base64url');
  const credential: Credential = {
    keyId,
    partnerId,
    secretSealed: await encrypt(secret),
    status: 'ACTIVE',
    createdAt: now.toISOString(),
  };
  await transact([
    {
      Put: {
        TableName: tableName(),
        Item: {
          ...credentialKey(keyId),
          type: 'PartnerCredential',
          GSI1PK: `PARTNERKEYS#${partnerId}`,
          GSI1SK: keyId,
          ...credential,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
  ]);
  return { keyId, secret };
}

export async function getCredential(keyId: string): Promise<(Credential & { secret: string }) | undefined> {
  const out = await db().send(new GetCommand({ TableName: tableName(), Key: credentialKey(keyId) }));
  const credential = out.Item as Credential | undefined;
  return credential ? { ...credential, secret: await decrypt(credential.secretSealed) } : undefined;
}

export async function listCredentials(partnerId: string): Promise<Credential[]> {
  const out = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': `PARTNERKEYS#${partnerId}` },
    }),
  );
  return (out.Items ?? []) as Credential[];
}
