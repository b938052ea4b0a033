// Every string a person reads comes from locales/<language>.json through `t`.
// Messages are nested objects addressed by dotted keys; `{name}` is replaced by params.name;
// a message that is an object of plural forms ({one, two, few, many, other}) is chosen by
// the language's plural rules for params.count (Welsh has six forms).
import fs from 'node:fs';

/**
 * The languages OneDoor speaks. English and Welsh are complete: every page and every message.
 * Urdu, written right to left, covers only the resident portal's pages that offer it (their
 * routes say so); on any other page a resident who chose it reads English.
 */
export const LANGUAGES = ['en', 'cy', 'ur'] as const;
export type Language = (typeof LANGUAGES)[number];
export const COMPLETE_LANGUAGES = ['en', 'cy'] as const satisfies readonly Language[];
export type CompleteLanguage = (typeof COMPLETE_LANGUAGES)[number];
export const DEFAULT_LANGUAGE: CompleteLanguage = 'en';
const RIGHT_TO_LEFT: ReadonlySet<Language> = new Set(['ur']);

/** Each language's name as its readers write it, for the language switcher. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', cy: 'Cymraeg', ur: 'اردو' };

export function isCompleteLanguage(value: unknown): value is CompleteLanguage {
  return typeof value === 'string' && (COMPLETE_LANGUAGES as readonly string[]).includes(value);
}

export function directionOf(language: Language): 'ltr' | 'rtl' {
  return RIGHT_TO_LEFT.has(language) ? 'rtl' : 'ltr';
}

export type Params = Record<string, string | number | undefined>;
export type Translate = (key: string, params?: Params) => string;

type Messages = { [key: string]: string | Messages };

/** A council's text in the reader's language: its Welsh where it has one and they read Welsh, else its English. */
export function inLanguage(english: string, welsh: string | null | undefined, language: Language): string {
  return (language === 'cy' && welsh) || english;
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

export function loadMessages(directory = new URL('../../locales/', import.meta.url)): Record<Language, Messages> {
  const messages = {} as Record<Language, Messages>;
  // Urdu holds only the messages of the pages that offer it; the translator falls back to English.
  for (const language of LANGUAGES) {
    messages[language] = JSON.parse(fs.readFileSync(new URL(`${language}.json`, directory), 'utf8')) as Messages;
  }
  return messages;
}

export function lookUp(messages: Messages, key: string): string | Messages | undefined {
  let node: string | Messages | undefined = messages;
  for (const part of key.split('.')) {
    if (node === undefined || typeof node === 'string') return undefined;
    node = node[part];
  }
  return node;
}

export function createTranslator(all: Partial<Record<Language, Messages>>, language: Language): Translate {
  const plurals = new Intl.PluralRules(language);
  return (key, params = {}) => {
    let message = lookUp(all[language] ?? {}, key) ?? lookUp(all[DEFAULT_LANGUAGE] ?? {}, key);
    if (message !== undefined && typeof message !== 'string') {
      const count = Number(params.count ?? 0);
      message = message[plurals.select(count)] ?? message.other;
    }
    if (typeof message !== 'string') return `[missing: ${key}]`;
    return message.replace(/\{(\w+)\}/g, (whole, name: string) => (params[name] === undefined ? whole : String(params[name])));
  };
}

/** Every dotted key that leads to a message (plural forms count as one key). */
export function messageKeys(messages: Messages, prefix = ''): string[] {
  return Object.entries(messages).flatMap(([name, value]) => {
    const key = prefix ? `${prefix}.${name}` : name;
    if (typeof value === 'string') return [key];
    if ('other' in value && typeof value.other === 'string') return [key];
    return messageKeys(value, key);
  });
}
