import { useEffect } from 'preact/hooks';

/** Calls `tick` every `ms` while `active` (a run or a selection still moving). */
export function usePoll(active: boolean, tick: () => void, ms = 2000): void {
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(tick, ms);
    return () => clearInterval(timer);
  }, [active, tick, ms]);
}
