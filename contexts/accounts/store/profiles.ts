import {
  account,
  nikMarker,
  type ProfileInput,
  profile,
  type StoredProfile,
} from '#contexts/accounts/items.ts';
import { maskKk, maskNik } from '#contexts/accounts/rules/nik.ts';
import { accountInactive, activeAccountCheck } from '#contexts/accounts/store/accounts.ts';
import { needsNewCheck } from '#contexts/registry/rules/registry.ts';
import { enqueueChecks, startCheck } from '#contexts/registry/store/checks.ts';
import type { Declarations } from '#contexts/waves/rules/eligibility.ts';
import { encrypt, lookupHash } from '#platform/crypto.ts';
import { logger } from '#platform/logger.ts';
import { tableName } from '#platform/store/client.ts';
import type { RawItem } from '#platform/store/item.ts';
import { queryAll } from '#platform/store/paginate.ts';
import { ConditionFailed, labelled, type TransactItem, transact } from '#platform/store/transact.ts';

export class DuplicateNik extends Error {}
export class NikLocked extends Error {}
/** A change to fields locked since the citizen joined a wave (`fields`: which). */
export class ProfileLocked extends Error {
  constructor(readonly fields: LockedField[]) {
    super(`locked: ${fields.join(', ')}`);
  }
}

/**
 * What the selection used besides the NIK, locked with it once an application exists:
 * the family card (the two-per-card rule), the declarations and the birth date
 * (screening, contexts/selection/rules/screening.ts and eligibility.ts). Gender and province are
 * bound to the NIK by its check; education and work status stay the citizen's to edit.
 */
export const LOCKED_FIELDS = ['kk', 'declarations', 'birthDate'] as const;
export type LockedField = (typeof LOCKED_FIELDS)[number];

const sameDeclarations = (a: Declarations | undefined, b: Declarations) =>
  !!a &&
  Object.keys(b).every((k) => a[k as keyof Declarations] === b[k as keyof Declarations]) &&
  Object.keys(a).length === Object.keys(b).length;

/** The locked fields `next` changes from `current`. */
export function lockedChanges(
  current: Pick<StoredProfile, 'kkHash' | 'declarations' | 'birthDate'>,
  next: { kkHash: string; declarations: Declarations; birthDate: string },
): LockedField[] {
  const changed: LockedField[] = [];
  if (current.kkHash !== next.kkHash) changed.push('kk');
  if (!sameDeclarations(current.declarations, next.declarations)) changed.push('declarations');
  if (current.birthDate !== next.birthDate) changed.push('birthDate');
  return changed;
}

/** For the wave-join transaction: locks the NIK, and fails unless the profile exists.
 *  `seenUpdatedAt`: also unless it is the profile the join read (the application copies
 *  it, and its registry check is the one the join planned for); failing so, it returns
 *  the profile (ALL_OLD), which tells a moved profile from a missing one. */
export function lockNikItem(accountId: string, seenUpdatedAt?: string): TransactItem {
  const seen = seenUpdatedAt === undefined ? '' : ' AND updatedAt = :seen';
  return labelled('profile-incomplete', {
    Update: {
      TableName: tableName(),
      Key: profile.key({ accountId }),
      UpdateExpression: 'SET nikLocked = :true',
      ConditionExpression: `attribute_exists(PK)${seen}`,
      ExpressionAttributeValues: {
        ':true': true,
        ...(seenUpdatedAt === undefined ? {} : { ':seen': seenUpdatedAt }),
      },
      ...(seenUpdatedAt === undefined ? {} : { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const }),
    },
  });
}

const MAX_ATTEMPTS = 3;

/**
 * Saves the profile and claims its NIK marker in one transaction, so two accounts can
 * never hold one NIK. The profile is updated, not replaced, to keep attributes that
 * other flows set on it (nikLocked). The account must be active in that same transaction,
 * so a deleted or unverified account's token writes nothing. Throws DuplicateNik,
 * NikLocked or AccountInactive. A new identity (first save, another NIK or birth date)
 * starts its civil-registry check in the same transaction, then puts it on the queue.
 */
export async function saveProfile(accountId: string, input: ProfileInput, now: Date): Promise<StoredProfile> {
  const [nikHash, kkHash, nikSealed, kkSealed] = await Promise.all([
    lookupHash('nik', input.nik),
    lookupHash('kk', input.kk),
    encrypt(input.nik),
    encrypt(input.kk),
  ]);
  const { nik: _nik, kk: _kk, ...plain } = input;
  const fields = {
    ...plain,
    type: profile.type,
    accountId,
    nikSealed,
    nikHash,
    nikMasked: maskNik(input.nik),
    kkSealed,
    kkHash,
    kkMasked: maskKk(input.kk),
    updatedAt: now.toISOString(),
  };
  // The write assumes the profile is as last seen (first: none yet). If it is not, the
  // failed condition returns the profile as it stands (ALL_OLD) and the write is planned
  // again from that, without a read; so is the account check's, which says why.
  let current: StoredProfile | undefined;
  for (let attempt = 1; ; attempt++) {
    const oldHash = current?.nikHash;
    if (oldHash !== undefined && oldHash !== nikHash && current?.nikLocked) throw new NikLocked();
    const locked = current ? lockedChanges(current, fields) : [];
    if (locked.length && current?.nikLocked) throw new ProfileLocked(locked);
    const check = needsNewCheck(current, fields) ? startCheck(accountId, fields, now) : undefined;
    try {
      await transact([
        activeAccountCheck(accountId, now),
        ...profileWrite(accountId, fields, current && { ...current, lockedChange: locked.length > 0 }, now),
        ...(check ? [check.write] : []),
      ]);
      // Not part of the transaction: a send that fails (or a crash before it) leaves the
      // check PENDING, and the sweep sends it (contexts/registry/handlers/sweep-checks.ts).
      if (check)
        await enqueueChecks([check.message]).catch((error: Error) =>
          logger.error('registry check not queued', { accountId, error: error.name }),
        );
      // The stored profile as it now stands; the route's response schema (ProfileView)
      // is what keeps its hashes and ciphertexts from the caller.
      return { ...fields, createdAt: current?.createdAt ?? fields.updatedAt };
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      if (error.label === 'account-inactive') throw accountInactive(error.item, now);
      if (error.label === 'nik-taken') throw new DuplicateNik();
      if (attempt >= MAX_ATTEMPTS) throw error;
      if (error.label === 'profile-moved') current = profile.parse(error.item);
    }
  }
}

function profileWrite(
  accountId: string,
  fields: Record<string, unknown> & { nikHash: string; updatedAt: string },
  seen: (StoredProfile & { lockedChange: boolean }) | undefined,
  now: Date,
): TransactItem[] {
  const oldHash = seen?.nikHash;
  const TableName = tableName();
  const me = { ':me': accountId };
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':createdAt': now.toISOString() };
  const sets = Object.entries(fields).map(([name, value], i) => {
    names[`#f${i}`] = name;
    values[`:f${i}`] = value;
    return `#f${i} = :f${i}`;
  });
  const changing = oldHash !== undefined && oldHash !== fields.nikHash;
  // No profile yet: it must still be absent. A profile: it must be the one we read (its
  // NIK, its last update: an administrator's correction meanwhile is not overwritten), and
  // when the NIK or another locked field changes, it must not have been locked since.
  let condition = 'attribute_not_exists(PK)';
  if (seen !== undefined) {
    condition = 'nikHash = :old AND updatedAt = :seen';
    values[':old'] = oldHash;
    values[':seen'] = seen.updatedAt;
    if (changing || seen.lockedChange) {
      condition += ' AND (attribute_not_exists(nikLocked) OR nikLocked = :false)';
      values[':false'] = false;
    }
  }
  const items: TransactItem[] = [
    labelled('nik-taken', {
      Update: {
        TableName,
        Key: nikMarker.key(fields),
        UpdateExpression: 'SET accountId = :me, #type = :type',
        ConditionExpression: 'attribute_not_exists(PK) OR accountId = :me',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ...me, ':type': nikMarker.type },
      },
    }),
    labelled('profile-moved', {
      Update: {
        TableName,
        Key: profile.key({ accountId }),
        UpdateExpression: `SET ${sets.join(', ')}, createdAt = if_not_exists(createdAt, :createdAt)`,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    }),
  ];
  if (changing) {
    const mine = 'attribute_not_exists(PK) OR accountId = :me';
    items.push({
      Delete: {
        TableName,
        Key: nikMarker.key({ nikHash: oldHash }),
        ConditionExpression: mine,
        ExpressionAttributeValues: me,
      },
    });
  }
  return items;
}

/** Every item of an account's partition (account, profile, applications, participant,
 *  ledger, incentives): the caller picks them by type (store/item.ts `pick`). */
export function accountItems(accountId: string): Promise<RawItem[]> {
  return queryAll({
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': account.key({ accountId }).PK },
    ConsistentRead: true,
  });
}
