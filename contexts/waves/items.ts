import type { Declarations } from '#contexts/waves/rules/eligibility.ts';
import type { Wave } from '#contexts/waves/rules/waves.ts';
import { item } from '#platform/store/item.ts';
import { shardOf } from '#platform/store/shard.ts';

// The waves context's items: waves and the applications to them.

/** The waves index (GSI1), in order of opening. */
export const wavesPartition = 'WAVES';

/** The applicant index (GSI2): one wave's applicants in `APPLICANT_SHARDS` partitions. */
export const applicantsPartition = (waveId: string, shard: number) => `WAVE#${waveId}#${shard}`;

/** What selection needs of an applicant, copied at join time so the draw can scan
 *  the wave's applicants without reading every profile. */
export interface Application {
  accountId: string;
  waveId: string;
  joinedAt: string;
  /** Where the outcome is sent: copied so the announcement reads nothing else. */
  email: string;
  phone: string;
  nikHash: string;
  kkHash: string;
  birthDate: string;
  gender: string;
  provinceCode: string;
  workStatus: string;
  declarations: Declarations;
}

/** What an application copies of the applicant's profile at join time. */
export type ProfileCopy = Pick<
  Application,
  'nikHash' | 'kkHash' | 'birthDate' | 'gender' | 'provinceCode' | 'workStatus' | 'declarations'
>;

export const profileCopy = (profile: ProfileCopy): ProfileCopy => ({
  nikHash: profile.nikHash,
  kkHash: profile.kkHash,
  birthDate: profile.birthDate,
  gender: profile.gender,
  provinceCode: profile.provinceCode,
  workStatus: profile.workStatus,
  declarations: profile.declarations,
});

/** The applicant index (GSI2) spreads each wave over this many partitions. */
export const APPLICANT_SHARDS = 16;

/**
 * Where an applicant sits in the wave's applicant index (GSI2): the shard and the slice
 * come from the family card's hash, and the sort key starts with the card, so a card's
 * members are next to each other in one slice and selection screens a family whole.
 */
export function applicantSlot(kkHash: string): { shard: number; prefix: string } {
  const slot = shardOf(kkHash, 256);
  return { shard: slot % APPLICANT_SHARDS, prefix: (slot >> 4).toString(16) };
}

/** The applicant index's sort key of one family card's members: `<slice><kkHash>#`. */
export const familyPrefix = (kkHash: string) => `${applicantSlot(kkHash).prefix}${kkHash}#`;

export const application = item<Application>()({
  type: 'Application',
  key: ({ accountId, waveId }: { accountId: string; waveId: string }) => ({
    PK: `ACCOUNT#${accountId}`,
    SK: `APPLICATION#${waveId}`,
  }),
  // Written once, at join: selection writes its results elsewhere (the outcome item), so
  // it never rewrites this item and its index entry (GSI2 projects everything).
  indexes: (a) => ({
    GSI2PK: applicantsPartition(a.waveId, applicantSlot(a.kkHash).shard),
    GSI2SK: `${familyPrefix(a.kkHash)}${a.accountId}`,
  }),
});

export const wave = item<Wave>()({
  type: 'Wave',
  key: ({ waveId }: { waveId: string }) => ({ PK: `WAVE#${waveId}`, SK: 'WAVE' }),
  indexes: (w) => ({ GSI1PK: wavesPartition, GSI1SK: `${w.opensAt}#${w.waveId}` }),
});
