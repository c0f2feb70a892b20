/** What an admitted route (registration, a wave join) uses of the room: it counts the
 *  arrivals of an automatic room and may switch it (`admission` in room.ts). */
export const admittedUses = {
  waitingRoom: ['read', 'put'],
  admissionUse: 'put',
  admissionFailures: 'update',
  admissionArrivals: ['read', 'update'],
  ticketCounter: 'read',
} as const;

/** The index an automatic room's check queries for a wave's opening (the waves, GSI1). */
export const admittedIndexes = { GSI1: 'query' } as const;
