import { item } from '#platform/store/item.ts';

// Flags on a NIK (by its keyed hash), all in one partition: screening reads them at once.
interface ListFlag {
  list: string;
  importedAt: string;
  batchId: string;
}

export const listFlag = item<ListFlag>()({
  type: 'NikFlag',
  key: ({ nikHash, list }: { nikHash: string; list: string }) => ({
    PK: `NIKFLAG#${nikHash}`,
    SK: `LIST#${list}`,
  }),
});

export const priorityFlag = item<ListFlag>()({
  type: 'NikFlag',
  key: ({ nikHash, list }: { nikHash: string; list: string }) => ({
    PK: `NIKFLAG#${nikHash}`,
    SK: `PRIORITY#${list}`,
  }),
});

/** "Was a participant": written by the issuing transaction, never twice. */
export const participation = item<{ waveId: string; at: string }>()({
  type: 'NikFlag',
  key: ({ nikHash }: { nikHash: string }) => ({ PK: `NIKFLAG#${nikHash}`, SK: 'PARTICIPANT' }),
});
