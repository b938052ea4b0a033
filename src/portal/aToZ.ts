// The A to Z of services: names sorted as the reader's language sorts them (Welsh puts "Ch" after
// "Cy" and "Ll" after "Lu"), grouped under their first letter, Welsh digraphs counting as one.
import type { Language } from '../platform/i18n.ts';

/** The letters of the Welsh alphabet written with two characters. */
const WELSH_DIGRAPHS = ['CH', 'DD', 'FF', 'NG', 'LL', 'PH', 'RH', 'TH'];

export interface Lettered<T> {
  letter: string;
  /** For the letter's heading and the link to it: ASCII letters and digits only. */
  anchor: string;
  items: T[];
}

function firstLetter(name: string, language: Language): string {
  const start = name.trim().toLocaleUpperCase(language === 'cy' ? 'cy' : 'en-GB');
  if (language === 'cy') {
    const two = start.slice(0, 2);
    if (WELSH_DIGRAPHS.includes(two)) return two.charAt(0) + two.charAt(1).toLowerCase();
  }
  // Accents do not make a letter of their own in either language: "Éclairs" goes under E.
  return ([...start][0] ?? '').normalize('NFD').replace(/\p{M}/gu, '');
}

/** `items` sorted by `nameOf` in `language`'s order, in groups by first letter. */
export function byLetter<T>(items: T[], nameOf: (item: T) => string, language: Language): Lettered<T>[] {
  const collator = new Intl.Collator(language === 'cy' ? 'cy' : 'en-GB', { sensitivity: 'base', numeric: true });
  const sorted = [...items].sort((a, b) => collator.compare(nameOf(a), nameOf(b)));
  const groups: Lettered<T>[] = [];
  for (const item of sorted) {
    const letter = firstLetter(nameOf(item), language);
    const last = groups.at(-1);
    if (last && collator.compare(last.letter, letter) === 0) last.items.push(item);
    else groups.push({ letter, anchor: '', items: [item] });
  }
  return groups.map((group, index) => ({
    ...group,
    anchor: `letter-${
      group.letter
        .normalize('NFD')
        .replace(/[^A-Za-z0-9]/g, '')
        .toLowerCase() || index
    }`,
  }));
}
