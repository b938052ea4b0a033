import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SECTIONS, sectionDescription, sectionLabel } from '../staff/navigation.ts';
import { ROLES } from './actor.ts';
import { PROJECT_ROOT } from './assets.ts';
import { createTranslator, inLanguage, loadMessages, lookUp, messageKeys } from './i18n.ts';
import type { PasswordProblem } from './passwords.ts';

describe('the translator', () => {
  const messages = {
    en: {
      greeting: 'Hello, {name}',
      onlyInEnglish: 'Only in English',
      cases: { one: '{count} case', other: '{count} cases' },
      nested: { deeper: { leaf: 'A leaf' } },
    },
    cy: {
      greeting: 'Helo, {name}',
      cases: {
        zero: 'dim achosion ({count})',
        one: '{count} achos',
        two: '{count} achos (deuol)',
        few: '{count} achos (ychydig)',
        many: '{count} achos (llawer)',
        other: '{count} achos (arall)',
      },
    },
  };
  const en = createTranslator(messages, 'en');
  const cy = createTranslator(messages, 'cy');

  it('puts the values given into the message', () => {
    assert.equal(en('greeting', { name: 'Siân' }), 'Hello, Siân');
    assert.equal(cy('greeting', { name: 'Siân' }), 'Helo, Siân');
  });

  it('leaves a placeholder alone when no value is given for it', () => {
    assert.equal(en('greeting'), 'Hello, {name}');
  });

  it('finds messages by dotted keys', () => {
    assert.equal(en('nested.deeper.leaf'), 'A leaf');
  });

  it('chooses the English plural form by count', () => {
    assert.equal(en('cases', { count: 1 }), '1 case');
    assert.equal(en('cases', { count: 0 }), '0 cases');
    assert.equal(en('cases', { count: 7 }), '7 cases');
  });

  it('chooses among the six Welsh plural forms by count', () => {
    assert.equal(cy('cases', { count: 0 }), 'dim achosion (0)');
    assert.equal(cy('cases', { count: 1 }), '1 achos');
    assert.equal(cy('cases', { count: 2 }), '2 achos (deuol)');
    assert.equal(cy('cases', { count: 3 }), '3 achos (ychydig)');
    assert.equal(cy('cases', { count: 6 }), '6 achos (llawer)');
    assert.equal(cy('cases', { count: 4 }), '4 achos (arall)');
  });

  it('falls back to English when a Welsh message is missing', () => {
    assert.equal(cy('onlyInEnglish'), 'Only in English');
  });

  it('marks a key that has no message in either language, rather than failing', () => {
    assert.equal(en('no.such.key'), '[missing: no.such.key]');
    assert.equal(cy('no.such.key'), '[missing: no.such.key]');
    // A key that leads to a group of messages, not a message, is missing too.
    assert.equal(en('nested.deeper'), '[missing: nested.deeper]');
  });

  it('lists every key that leads to a message, counting plural forms as one', () => {
    assert.deepEqual(messageKeys(messages.en).sort(), ['cases', 'greeting', 'nested.deeper.leaf', 'onlyInEnglish']);
  });
});

// The real locale files, and the keys the code and templates use.
describe('the English and Welsh messages', () => {
  const messages = loadMessages();
  const englishKeys = new Set(messageKeys(messages.en));

  it('have exactly the same keys in English and Welsh', () => {
    const welshKeys = new Set(messageKeys(messages.cy));
    const missingInWelsh = [...englishKeys].filter((key) => !welshKeys.has(key));
    const onlyInWelsh = [...welshKeys].filter((key) => !englishKeys.has(key));
    assert.deepEqual({ missingInWelsh, onlyInWelsh }, { missingInWelsh: [], onlyInWelsh: [] });
  });

  it('keep every {placeholder} of an English message in the Welsh one', () => {
    const problems: string[] = [];
    for (const key of englishKeys) {
      const welsh = lookUp(messages.cy, key);
      if (welsh === undefined) continue; // reported by the test above
      const englishForms = formsOf(lookUp(messages.en, key));
      const welshForms = formsOf(welsh);
      const needed = new Set(englishForms.flatMap(placeholders));
      // Plural forms may each word the count differently; the Welsh "other" form must have them all,
      // and no Welsh form may use a placeholder the English does not give.
      const welshOther = typeof welsh === 'string' ? welsh : typeof welsh.other === 'string' ? welsh.other : '';
      for (const name of needed) {
        if (!placeholders(welshOther).includes(name)) problems.push(`${key}: Welsh lacks {${name}}`);
      }
      for (const name of welshForms.flatMap(placeholders)) {
        if (!needed.has(name)) problems.push(`${key}: Welsh has {${name}}, which English does not`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('have a message for every key the templates and code use', () => {
    const used = new Map<string, string>();
    for (const file of sourceFiles()) {
      const text = fs.readFileSync(file, 'utf8');
      for (const key of literalKeys(text)) used.set(key, path.relative(PROJECT_ROOT, file));
    }
    assert.ok(used.size > 50, `expected to find the keys the templates use (found ${used.size})`);
    const missing = [...used].filter(([key]) => !englishKeys.has(key)).map(([key, file]) => `${key} (${file})`);
    assert.deepEqual(missing, []);
  });

  it('have a message for every key of the families templates build from a value', () => {
    const families = [
      ...ROLES.flatMap((role) => [`roles.${role}`, `roleDescriptions.${role}`]),
      ...SECTIONS.map(sectionLabel),
      // The home page describes every section but home itself.
      ...SECTIONS.filter((section) => section.key !== 'home').map(sectionDescription),
      ...['notFound', 'notAllowed', 'invalid', 'conflict', 'formExpired', 'rateLimited', 'tooLarge', 'serverError'].flatMap(
        (page) => [`errorPages.${page}.title`, `errorPages.${page}.body`],
      ),
      ...['deactivate', 'reactivate', 'reset-password', 'reset-two-factor'].flatMap((action) =>
        ['title', 'body', 'button'].map((part) => `users.confirm.${action}.${part}`),
      ),
      // The actor types the audit_events table allows (its check constraint).
      ...['staff', 'system', 'api_key', 'resident', 'anonymous'].map((type) => `audit.actorTypes.${type}`),
      ...['council', 'partner'].map((kind) => `organisations.kinds.${kind}`),
      ...(['tooShort', 'tooLong', 'common', 'personal'] satisfies PasswordProblem[]).map(
        (problem) => `passwords.errors.${problem}`,
      ),
    ];
    assert.deepEqual(
      families.filter((key) => !englishKeys.has(key)),
      [],
    );
  });

  it('have a message for every error and confirmation key the code hands to a page', () => {
    const used = new Map<string, string>();
    for (const file of sourceFiles().filter((file) => file.endsWith('.ts'))) {
      const text = fs.readFileSync(file, 'utf8');
      for (const key of handedKeys(text)) used.set(key, path.relative(PROJECT_ROOT, file));
    }
    assert.ok(used.size > 20, `expected to find the error keys the code uses (found ${used.size})`);
    const missing = [...used].filter(([key]) => !englishKeys.has(key)).map(([key, file]) => `${key} (${file})`);
    assert.deepEqual(missing, []);
  });
});

// Urdu covers only the pages that offer it (their routes' `config.languages`): the portal's home
// page in its layout, and the request journeys. Every message those templates use is in Urdu,
// and nothing else is.
describe('the Urdu messages', () => {
  const messages = loadMessages();
  const englishKeys = new Set(messageKeys(messages.en));
  const urduKeys = messageKeys(messages.ur);
  const JOURNEY = path.join(PROJECT_ROOT, 'src/portal/views/journey');
  const URDU_PAGES = [
    'views/layouts/base.njk',
    'views/layouts/portal.njk',
    'views/partials/footer.njk',
    'views/partials/error-summary.njk',
    'views/partials/honeypot.njk',
    'src/portal/views/home.njk',
    'src/portal/views/search-form.njk',
    ...fs.readdirSync(JOURNEY).map((file) => path.relative(PROJECT_ROOT, path.join(JOURNEY, file))),
  ];

  it('have a message for every key the home page, the request journeys and their layout use', () => {
    const used = URDU_PAGES.flatMap((file) => literalKeys(fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8')));
    assert.ok(used.length > 15, `expected the home page's keys (found ${used.length})`);
    assert.deepEqual(
      used.filter((key) => !urduKeys.includes(key)),
      [],
    );
  });

  it('are each a message English has, with the same {placeholders}, and not left in English', () => {
    const problems: string[] = [];
    for (const key of urduKeys) {
      if (!englishKeys.has(key)) {
        problems.push(`${key}: not an English key`);
        continue;
      }
      const english = formsOf(lookUp(messages.en, key)).flatMap(placeholders).sort();
      const urdu = formsOf(lookUp(messages.ur, key));
      if (JSON.stringify(urdu.flatMap(placeholders).sort()) !== JSON.stringify(english))
        problems.push(`${key}: placeholders differ`);
      // Written in Urdu's script (a message that is only a placeholder, such as the council's name, aside).
      if (urdu.some((form) => form.replace(/\{\w+\}/g, '').trim() !== '' && !/[\u0600-\u06FF]/.test(form)))
        problems.push(`${key}: not in Urdu`);
    }
    assert.deepEqual(problems, []);
  });
});

type Message = ReturnType<typeof lookUp>;

function formsOf(message: Message): string[] {
  if (message === undefined) return [];
  if (typeof message === 'string') return [message];
  return Object.values(message).filter((form): form is string => typeof form === 'string');
}

function placeholders(message: string): string[] {
  return [...message.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
}

/** Templates under views/ and src/, and the TypeScript under src/ (not the tests). */
function sourceFiles(): string[] {
  const walk = (directory: string): string[] =>
    fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(directory, entry.name);
      return entry.isDirectory() ? walk(full) : [full];
    });
  return [...walk(path.join(PROJECT_ROOT, 'views')), ...walk(path.join(PROJECT_ROOT, 'src'))].filter(
    (file) => file.endsWith('.njk') || (file.endsWith('.ts') && !file.endsWith('.test.ts')),
  );
}

/** Keys written out whole, as t('a.b') or t("a.b") or t(`a.b`); keys built with + or ${} are skipped. */
function literalKeys(text: string): string[] {
  const pattern = /\bt\(\s*(['"`])([A-Za-z0-9_.-]+)\1\s*[,)]/g;
  return [...text.matchAll(pattern)].map((match) => match[2]!);
}

/**
 * Message keys the TypeScript passes on for a page to translate: the `*.errors.*` keys of forms
 * and refusals, and the flash messages after a change.
 */
function handedKeys(text: string): string[] {
  const errorKeys = [...text.matchAll(/(['"`])((?:[A-Za-z]+\.)?errors\.[A-Za-z]+)\1/g)].map((match) => match[2]!);
  const flashKeys = [...text.matchAll(/set\(\s*'flash',\s*'([A-Za-z0-9_.-]+)'\s*\)/g)].map((match) => match[1]!);
  const doneKeys = [...text.matchAll(/\bdone:\s*'([A-Za-z0-9_.-]+)'/g)].map((match) => match[1]!);
  return [...errorKeys, ...flashKeys, ...doneKeys];
}

describe('a council’s text in the reader’s language', () => {
  it('is the Welsh for a Welsh reader where there is Welsh, and the English otherwise', () => {
    assert.equal(inLanguage('Potholes', 'Tyllau yn y ffordd', 'cy'), 'Tyllau yn y ffordd');
    assert.equal(inLanguage('Potholes', null, 'cy'), 'Potholes');
    assert.equal(inLanguage('Potholes', '', 'cy'), 'Potholes');
    assert.equal(inLanguage('Potholes', 'Tyllau yn y ffordd', 'en'), 'Potholes');
    assert.equal(inLanguage('Potholes', 'Tyllau yn y ffordd', 'ur'), 'Potholes');
  });
});
