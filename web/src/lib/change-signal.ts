import { useEffect, useState } from 'preact/hooks';

/** Module state that components re-render on (the language, the console's session). */
export function changeSignal() {
  const listeners = new Set<() => void>();
  return {
    notify(): void {
      for (const listener of listeners) listener();
    },
    /** Re-renders the calling component on each notify. */
    useChanges(): void {
      const [, bump] = useState(0);
      useEffect(() => {
        const listener = () => bump((n) => n + 1);
        listeners.add(listener);
        return () => {
          listeners.delete(listener);
        };
      }, []);
    },
  };
}
