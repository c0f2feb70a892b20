import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { account, profile, type StoredProfile } from '#contexts/accounts/items.ts';
import { maskKk } from '#contexts/accounts/rules/nik.ts';
import { type LockedField, lockedChanges } from '#contexts/accounts/store/profiles.ts';
import { familyCard, outcome, participant, selection } from '#contexts/selection/items.ts';
import { KK_CAP } from '#contexts/selection/rules/draw.ts';
import { application as applicationItem } from '#contexts/waves/items.ts';
import type { Declarations } from '#contexts/waves/rules/eligibility.ts';
import { encrypt, lookupHash } from '#platform/crypto.ts';
import { db, tableName } from '#platform/store/client.ts';
import type { RawItem } from '#platform/store/item.ts';
import { queryAll } from '#platform/store/paginate.ts';
import { ConditionFailed, labelled, type TransactItem, transact } from '#platform/store/transact.ts';

// An administrator's correction of what a citizen can no longer change once they joined a
// wave (contexts/accounts/store/profiles.ts `LOCKED_FIELDS`): the family card (KK) and the
// declarations. One transaction keeps what depends on them consistent:
// - the profile (on condition it is as read: a citizen's save meanwhile is not lost);
// - a participant's place on the family cards (items.ts `familyCard`): out of the card
//   the draw counted them on, onto the corrected one, on condition that card has fewer
//   than KK_CAP participants (the two-per-card rule holds across a correction);
// - the applications of waves whose selection has not started (their copy is what the
//   draw will read), on condition it still has not; an application a selection has begun
//   to read stays as that draw saw it.
// The route writes the audit record (before and after, the KK masked).

export interface Correction {
  kk?: string;
  declarations?: Declarations;
}

export interface Corrected {
  profile: StoredProfile;
  changed: LockedField[];
  before: { kkMasked: string; declarations: Declarations };
  /** The waves whose application followed the correction (their selection not started). */
  applications: string[];
}

export class ProfileMissing extends Error {}
export class FamilyCardFull extends Error {}

const MAX_ATTEMPTS = 3;

async function get(Key: { PK: string; SK: string }): Promise<RawItem | undefined> {
  const out = await db().send(new GetCommand({ TableName: tableName(), Key, ConsistentRead: true }));
  return out.Item;
}

function items(accountId: string, skPrefix: string): Promise<RawItem[]> {
  return queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
    ExpressionAttributeValues: { ':pk': account.key({ accountId }).PK, ':sk': skPrefix },
    ConsistentRead: true,
  });
}

export async function correctProfile(
  accountId: string,
  correction: Correction,
  now: Date,
): Promise<Corrected> {
  const TableName = tableName();
  const kkHash = correction.kk === undefined ? undefined : await lookupHash('kk', correction.kk);
  const kkSealed = correction.kk === undefined ? undefined : await encrypt(correction.kk);
  for (let attempt = 1; ; attempt++) {
    const current = profile.parse(await get(profile.key({ accountId })));
    if (!current) throw new ProfileMissing();
    const next = {
      kkHash: kkHash ?? current.kkHash,
      declarations: correction.declarations ?? current.declarations,
      birthDate: current.birthDate,
    };
    const changed = lockedChanges(current, next);
    const before = { kkMasked: current.kkMasked, declarations: current.declarations };
    if (!changed.length) return { profile: current, changed, before, applications: [] };

    const at = now.toISOString();
    const fields: Record<string, unknown> = { updatedAt: at, correctedAt: at };
    if (changed.includes('kk'))
      Object.assign(fields, { kkHash: next.kkHash, kkSealed, kkMasked: maskKk(correction.kk!) });
    if (changed.includes('declarations')) fields.declarations = next.declarations;
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':seen': current.updatedAt, ':kk': current.kkHash };
    const sets = Object.entries(fields).map(([name, value], i) => {
      names[`#f${i}`] = name;
      values[`:f${i}`] = value;
      return `#f${i} = :f${i}`;
    });
    const tx: TransactItem[] = [
      {
        Update: {
          TableName,
          Key: profile.key({ accountId }),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'updatedAt = :seen AND kkHash = :kk',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
    ];

    const [applications, outcomes, part] = await Promise.all([
      items(accountId, applicationItem.skPrefix).then((raw) => raw.map((i) => applicationItem.parse(i))),
      items(accountId, outcome.skPrefix).then((raw) => raw.map((i) => outcome.partsOf(i).waveId)),
      get(participant.key({ accountId })).then((raw) => participant.parse(raw)),
    ]);

    // A participant moves from the card the draw counted them on to the corrected one.
    if (changed.includes('kk') && part) {
      const member = `${part.waveId}#${accountId}`;
      const drawnOn = applications.find((a) => a.waveId === part.waveId)?.kkHash ?? current.kkHash;
      if (drawnOn !== next.kkHash) {
        const oldCard = familyCard.parse(await get(familyCard.key({ kkHash: drawnOn })));
        if (oldCard?.members?.has(member))
          tx.push({
            Update: {
              TableName,
              Key: familyCard.key({ kkHash: drawnOn }),
              UpdateExpression: 'ADD participants :minus DELETE members :member',
              ConditionExpression: 'contains(members, :one)',
              ExpressionAttributeValues: { ':minus': -1, ':member': new Set([member]), ':one': member },
            },
          });
        tx.push(
          labelled('card-full', {
            Update: {
              TableName,
              Key: familyCard.key({ kkHash: next.kkHash }),
              UpdateExpression: 'ADD participants :plus, members :member',
              ConditionExpression: 'attribute_not_exists(participants) OR participants < :cap',
              ExpressionAttributeValues: { ':plus': 1, ':cap': KK_CAP, ':member': new Set([member]) },
            },
          }),
        );
      }
    }

    // Applications not yet read by a selection follow the correction.
    const decided = new Set(outcomes);
    const pending = applications.filter((a) => !decided.has(a.waveId));
    const started = await Promise.all(pending.map((a) => get(selection.key({ waveId: a.waveId }))));
    const following = pending.filter((_, i) => !started[i]);
    for (const a of following) {
      tx.push(
        {
          ConditionCheck: {
            TableName,
            Key: selection.key({ waveId: a.waveId }),
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        {
          Put: {
            TableName,
            Item: applicationItem.item({ ...a, kkHash: next.kkHash, declarations: next.declarations }),
            ConditionExpression: 'attribute_exists(PK)',
          },
        },
      );
    }

    try {
      await transact(tx);
      return {
        profile: { ...current, ...(fields as Partial<StoredProfile>) },
        changed,
        before,
        applications: following.map((a) => a.waveId),
      };
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      if (error.label === 'card-full') throw new FamilyCardFull();
      // The profile, a card or a selection moved meanwhile: plan again from what now is.
      if (attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
