// The languages a customer may prefer: a short list offered first (the council's most common),
// and any other ISO 639 code kept as given. Names come from the platform's Intl data, in the
// language's own words and the reader's.
/** Languages offered first for a customer's preferred language; any other ISO 639 code is kept. */
export const OFFERED_LANGUAGES = [
  'en',
  'cy',
  'pl',
  'ro',
  'pa',
  'ur',
  'ar',
  'pt',
  'lt',
  'bn',
  'gu',
  'hi',
  'ta',
  'zh',
  'so',
  'ti',
  'ku',
  'fa',
  'ps',
  'tr',
  'bg',
  'hu',
  'cs',
  'sk',
  'lv',
  'uk',
  'ru',
  'es',
  'it',
  'fr',
  'de',
  'ne',
  'am',
] as const;

/** A language's name for the reader, e.g. "Cymraeg (Welsh)" for an English reader. */
export function languageName(code: string, readerLanguage: string): string {
  let own = code;
  try {
    own = new Intl.DisplayNames([code], { type: 'language', fallback: 'code' }).of(code) ?? code;
  } catch {
    // An unusual code with no name of its own is shown as the code.
  }
  const reader = new Intl.DisplayNames([readerLanguage], { type: 'language', fallback: 'code' }).of(code) ?? code;
  const name = own.charAt(0).toLocaleUpperCase(code) + own.slice(1);
  return name.toLowerCase() === reader.toLowerCase() ? name : `${name} (${reader})`;
}

/** The options of a language select, with `current` among them even when it is not offered first. */
export function languageItems(readerLanguage: string, current: string) {
  const codes: string[] = OFFERED_LANGUAGES.includes(current as (typeof OFFERED_LANGUAGES)[number])
    ? [...OFFERED_LANGUAGES]
    : [...OFFERED_LANGUAGES, current];
  return codes.map((code) => ({
    value: code,
    text: languageName(code, readerLanguage),
    selected: code === current,
    attributes: { lang: code },
  }));
}
