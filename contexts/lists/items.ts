import { item } from '#platform/store/item.ts';

// Everything known about a NIK (by its keyed hash), in ONE item: screening reads one item
// per applicant (BatchGetItem, 100 a call), not one key per list. List imports ADD their
// list's name to a set, and only where it is not there yet (a re-import writes nothing); the
// selection sets `participatedIn` once, on condition that it is absent.
export interface NikFlagsItem {
  /** Exclusion lists the NIK is on (`blocked` included): a string set, absent when none. */
  lists?: Set<string>;
  /** Priority lists the NIK is on (`laid-off`). */
  priorities?: Set<string>;
  /** The last import that added a list to this NIK: when, and its call's batch. */
  importedAt?: string;
  batchId?: string;
  /** The wave in which the NIK became a participant, and when: written once. */
  participatedIn?: string;
  participatedAt?: string;
}

export const nikFlags = item<NikFlagsItem>()({
  type: 'NikFlags',
  key: ({ nikHash }: { nikHash: string }) => ({ PK: `NIKFLAG#${nikHash}`, SK: 'FLAGS' }),
});
