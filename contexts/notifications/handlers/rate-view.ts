import { providerRate } from '#contexts/notifications/queues.ts';
import type { RateName, RateSetting } from '#contexts/notifications/store/sending-rates.ts';
import { REGISTRY_RATE_PER_SECOND } from '#contexts/registry/queues.ts';

/** The declared rate of `name` (locally, the stand-ins' switch for email and SMS): what
 *  holds while no operator has set one. */
export const declaredRate = (name: RateName): number =>
  name === 'registry' ? REGISTRY_RATE_PER_SECOND : providerRate(name);

export function rateView(name: RateName, setting: RateSetting | undefined) {
  const declared = declaredRate(name);
  return {
    name,
    perSecond: setting?.perSecond ?? declared,
    declared,
    source: setting ? ('set' as const) : ('declared' as const),
    updatedAt: setting?.updatedAt ?? null,
    updatedBy: setting?.updatedBy ?? null,
  };
}
