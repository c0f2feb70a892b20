import { type Wave, waveStatus } from '#contexts/waves/rules/waves.ts';

/** A wave as the API shows it: its settings and its status on the backend clock. */
export function waveView(wave: Wave, now: Date) {
  const { createdAt: _c, createdBy: _b, stage: _s, ...settings } = wave;
  return { ...settings, quotaFromPool: wave.quotaFromPool ?? 0, status: waveStatus(wave, now) };
}
