import { DEADLINE_SHARDS } from '#contexts/selection/items.ts';
import { eachLimited } from '#contexts/selection/store/applicants.ts';
import { overdueParticipants, revokeParticipant } from '#contexts/selection/store/participants.ts';
import { clock } from '#platform/clock.ts';
import { logger } from '#platform/logger.ts';
import { count, observed } from '#platform/observability.ts';

// Participants who have not bought a first course by their deadline lose the card:
// revoked, NIK blocked, balance back to the treasury, place back to the quota pool.
// Each revocation is conditional on the participant still being ACTIVE and unpurchased,
// so overlapping runs (a slow run and the next tick) revoke each participant once.
export const handler = () => observed('revokeMissedDeadlines', sweep);

async function sweep() {
  const now = clock.now();
  let revoked = 0;
  let skipped = 0;
  await eachLimited(
    Array.from({ length: DEADLINE_SHARDS }, (_, shard) => shard),
    4,
    async (shard) => {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await overdueParticipants(shard, now, start);
        await eachLimited(page.items, 8, async (participant) => {
          if (await revokeParticipant(participant, now)) revoked++;
          else skipped++;
        });
        start = page.next;
      } while (start);
    },
  );
  logger.info('deadline sweep', { revoked, skipped, at: now.toISOString() });
  count('ParticipantRevoked', revoked);
  return { revoked, skipped };
}
