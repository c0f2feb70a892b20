import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

// A page in its own chunk, fetched when the user gets there (both apps' routes).
export type PageModule<P> = () => Promise<{ default: ComponentType<P> }>;

let navigated = false;

export function LazyPage<P extends object>(props: {
  load: PageModule<P>;
  props: P;
  loading: string;
  failed: string;
}) {
  const { load } = props;
  const [Page, setPage] = useState<ComponentType<P> | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    setPage(null);
    setFailed(false);
    load().then(
      (m) => {
        if (!live) return;
        setPage(() => m.default);
        // After a navigation, the new page's heading takes the focus (not on the first page).
        if (navigated) requestAnimationFrame(() => document.querySelector<HTMLElement>('main h1')?.focus());
        navigated = true;
      },
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [load]);
  if (failed) return <p role="alert">{props.failed}</p>;
  return Page ? <Page {...props.props} /> : <p aria-live="polite">{props.loading}</p>;
}
