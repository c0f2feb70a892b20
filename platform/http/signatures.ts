import { createHash, randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { problems } from '#platform/http/problem.ts';
import { acceptedSignature } from '#platform/items.ts';
import type { Principal } from '#platform/principal.ts';
import { SIGNATURE_WINDOW_S } from '#platform/signing.ts';
import { db, tableName } from '#platform/store/client.ts';
import type { TransactItem } from '#platform/store/transact.ts';

// Accepted partner signatures, remembered for the signing window (API.md "Replays"): the
// Idempotency-Key is not signed, so without this a captured request re-sent with a fresh
// key would act twice. The same signature passes again only with the same
// Idempotency-Key, and the idempotency record then answers with the first response.

export interface SignedWrite {
  keyId: string;
  signature: string;
  timestamp: number;
  /** Absent: nothing can match, a bare repeat is always a replay. */
  idempotencyKey: string | undefined;
}

/** The record of an accepted signature, on condition it was not accepted before with
 *  another (or no) Idempotency-Key: a Put of its own, or one more item of the request's
 *  own transaction (platform/http/idempotency.ts). */
export function signaturePut({ keyId, signature, timestamp, idempotencyKey }: SignedWrite) {
  const hash = createHash('sha256').update(`${keyId}\n${signature}`).digest('base64url');
  return {
    TableName: tableName(),
    Item: acceptedSignature.item(
      {
        idempotencyKey: idempotencyKey ?? `none:${randomUUID()}`,
        // Past the window the timestamp check refuses it anyway.
        expiresAtEpoch: timestamp + SIGNATURE_WINDOW_S + 60,
      },
      { hash },
    ),
    ConditionExpression: 'attribute_not_exists(PK) OR idempotencyKey = :key',
    ExpressionAttributeValues: { ':key': idempotencyKey ?? '' },
  } satisfies TransactItem['Put'];
}

/** Records an accepted signature; false when it was accepted before with another (or no)
 *  Idempotency-Key. One conditional write, no read. */
export async function acceptSignatureOnce(write: SignedWrite): Promise<boolean> {
  try {
    await db().send(new PutCommand(signaturePut(write)));
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

export const signatureSeen = () =>
  problems.unauthorized('This signed request was accepted before: sign each request anew.');

export interface PartnerCaller {
  principal: Principal;
  /** A write whose signature is still to be remembered, in the route's own transaction
   *  (`deferSignature`); absent when it was remembered here or is a read. */
  signature?: SignedWrite;
}

/** Checks a partner's signed request (contexts/partners/partner-auth.ts): who it is, and a
 *  write's signature, remembered now or handed back for the route's own transaction. */
export type PartnerAuthenticator = (
  event: APIGatewayProxyEvent,
  headers: Record<string, string>,
  kind: 'platform' | 'payment',
  options: { idempotent?: boolean; deferSignature?: boolean },
) => Promise<PartnerCaller>;
