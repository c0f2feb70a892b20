import { useState } from 'preact/hooks';
import { type KeyKeeper, keyKeeper } from './key-keeper.ts';

/** One key keeper per form (or per action button) for the life of the component. */
export function useIdempotencyKey(): KeyKeeper {
  return useState(() => keyKeeper())[0];
}
