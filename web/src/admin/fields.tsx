import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { FieldFrame, fieldId } from '../lib/form.tsx';
import { t } from './strings.ts';

// Small pieces the console's pages share, beside lib/form.tsx.

/** `datetime-local` is the browser's local time; the API takes ISO 8601 UTC. */
export function localToIso(value: string | boolean | undefined): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

/** A number field's value: empty is absent, anything else goes as a number (the API judges it). */
export function numberOf(value: string | boolean | undefined): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  return Number(value);
}

export function TextArea(props: { name: string; label: string; error?: string | undefined; hint?: string }) {
  return (
    <FieldFrame id={fieldId(props.name)} label={props.label} hint={props.hint} error={props.error}>
      {(a11y) => <textarea name={props.name} rows={3} {...a11y} />}
    </FieldFrame>
  );
}

export function Check({ name, label, checked }: { name: string; label: string; checked?: boolean }) {
  return (
    <label class="check">
      <input type="checkbox" name={name} defaultChecked={checked} /> {label}
    </label>
  );
}

/**
 * Text to copy (a command): a Copy button through the Clipboard API, and the text itself
 * in a `<code>` that can be selected by hand where the clipboard is not available.
 */
export function CopyText({
  text,
  label,
  copied,
  failed,
}: {
  text: string;
  label: string;
  copied: string;
  failed: string;
}) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = () => {
    if (!navigator.clipboard) {
      setState('failed');
      return;
    }
    navigator.clipboard.writeText(text).then(
      () => setState('copied'),
      () => setState('failed'),
    );
  };
  return (
    <div class="copy">
      <pre>
        <code>{text}</code>
      </pre>
      <button type="button" onClick={copy}>
        {label}
      </button>
      <span aria-live="polite" class={state === 'failed' ? 'error' : 'ok'}>
        {state === 'copied' ? copied : state === 'failed' ? failed : ''}
      </span>
    </div>
  );
}

/** A wide table's box: scrolls sideways on a narrow screen, reachable by keyboard to scroll it. */
export function Scroll({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take the focus to scroll by keyboard
    <section class="scroll" aria-label={label} tabIndex={0}>
      {children}
    </section>
  );
}

/** First and next page of a cursor-paged list (the cursor itself is the API's, sealed). */
export function Pager(props: {
  cursor: string | null;
  nextCursor: string | null | undefined;
  go(cursor: string | null): void;
}) {
  return (
    <p class="pager">
      {props.cursor && (
        <button type="button" onClick={() => props.go(null)}>
          {t('firstPage')}
        </button>
      )}
      {props.nextCursor && (
        <button type="button" onClick={() => props.go(props.nextCursor!)}>
          {t('nextPage')}
        </button>
      )}
    </p>
  );
}
