import { useEffect, useState } from 'preact/hooks';

// Bahasa Indonesia first; English is a switch the citizen makes, remembered on the device.
export type Lang = 'id' | 'en';
const STORAGE_KEY = 'prakerja.lang';

let lang: Lang = localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'id';
document.documentElement.lang = lang;
const listeners = new Set<() => void>();

export function currentLang(): Lang {
  return lang;
}

export function setLang(next: Lang): void {
  lang = next;
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next;
  for (const listener of listeners) listener();
}

/** Re-renders the caller when the language changes (the app root calls it). */
export function useLang(): Lang {
  const [, bump] = useState(0);
  useEffect(() => {
    const listener = () => bump((n) => n + 1);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return lang;
}

export type Dictionary<K extends string> = Record<K, string>;

/** `t('key', {n: 3})` in the current language; `{name}` placeholders are filled in. */
export function translator<K extends string>(dictionaries: Record<Lang, Dictionary<K>>) {
  const t = (key: K, vars: Record<string, string | number> = {}): string =>
    (dictionaries[lang][key] ?? key).replace(/\{(\w+)\}/g, (_m, name: string) =>
      String(vars[name] ?? `{${name}}`),
    );
  return Object.assign(t, { has: (key: string): key is K => Object.hasOwn(dictionaries[lang], key) });
}
