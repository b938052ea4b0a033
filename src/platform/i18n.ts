// Every string a person reads comes from locales/<language>.json through `t`.
// Messages are nested objects addressed by dotted keys; `{name}` is replaced by params.name;
// a message that is an object of plural forms ({one, two, few, many, other}) is chosen by
// the language's plural rules for params.count (Welsh has six forms).
import fs from 'node:fs';

export const LANGUAGES = ['en', 'cy'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'en';

export type Params = Record<string, string | number | undefined>;
export type Translate = (key: string, params?: Params) => string;

type Messages = { [key: string]: string | Messages };

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

export function loadMessages(directory = new URL('../../locales/', import.meta.url)): Record<Language, Messages> {
  const messages = {} as Record<Language, Messages>;
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

export function createTranslator(all: Record<Language, Messages>, language: Language): Translate {
  const plurals = new Intl.PluralRules(language);
  return (key, params = {}) => {
    let message = lookUp(all[language], key) ?? lookUp(all[DEFAULT_LANGUAGE], key);
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
