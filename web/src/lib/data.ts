import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiProblem } from './api.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiProblem | undefined;
  reload(): void;
}

/** Loads once per `key` (and on reload); the page shows what came or why it did not. */
export function useData<T>(load: () => Promise<T>, key = ''): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiProblem | undefined>(undefined);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (value) => {
        if (!live) return;
        setData(value);
        setError(undefined);
      },
      (e: unknown) =>
        live &&
        setError(e instanceof ApiProblem ? e : new ApiProblem(0, 'client', 'client', String(e), [], {})),
    );
    return () => {
      live = false;
    };
  }, [key, generation]);
  return { data, error, reload: useCallback(() => setGeneration((g) => g + 1), []) };
}
