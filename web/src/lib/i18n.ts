import { changeSignal } from './change-signal.ts';

// Bahasa Indonesia first; English is a switch the citizen makes, remembered on the device.
export type Lang = 'id' | 'en';
const STORAGE_KEY = 'prakerja.lang';

let lang: Lang = localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'id';
document.documentElement.lang = lang;
const langChanged = changeSignal();

export function currentLang(): Lang {
  return lang;
}

export function setLang(next: Lang): void {
  lang = next;
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next;
  langChanged.notify();
}

/** Re-renders the caller when the language changes (the app root calls it). */
export function useLang(): Lang {
  langChanged.useChanges();
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
