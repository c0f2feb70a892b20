import type { Wave } from '#contexts/waves/rules/waves.ts';
import { getWave } from '#contexts/waves/store/waves.ts';

// The join path's copy of each wave, per container, for WAVE_CACHE_MS: at a wave's peak
// every join would otherwise read the same item (one hot key). It is safe because a wave
// item does not change in a way a join could miss: its window (opensAt, closesAt) is fixed
// at creation and is judged against the clock on every join, so a cached wave closes on
// time; its `stage` is only written by a selection, which starts after the wave has
// closed. A wave not found is not cached (it may be created the next moment).
export const WAVE_CACHE_MS = 60_000;

const cached = new Map<string, { wave: Wave; until: number }>();

export async function cachedWave(waveId: string): Promise<Wave | undefined> {
  // Wall time, not the backend clock: the local stack's clock can be moved.
  const t = performance.now();
  const hit = cached.get(waveId);
  if (hit && hit.until > t) return hit.wave;
  const wave = await getWave(waveId);
  if (wave) cached.set(waveId, { wave, until: t + WAVE_CACHE_MS });
  return wave;
}
