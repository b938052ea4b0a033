// The reader's language: chosen with ?lang=cy (from the language switcher), remembered in a
// cookie, English otherwise. Every request gets a translator for it. A language that is not
// complete (Urdu) is used only on the pages whose route offers it (`config.languages`); elsewhere
// the page is in English, and the choice is still remembered for the pages that offer it.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  createTranslator,
  DEFAULT_LANGUAGE,
  isCompleteLanguage,
  isLanguage,
  LANGUAGES,
  loadMessages,
  type Language,
  type Translate,
} from '../i18n.ts';

export const LANGUAGE_COOKIE = 'onedoor_language';

export function setUpLanguage(app: FastifyInstance, messages = loadMessages()): void {
  const translators = Object.fromEntries(LANGUAGES.map((language) => [language, createTranslator(messages, language)])) as Record<
    Language,
    Translate
  >;
  app.decorateRequest('language', DEFAULT_LANGUAGE);
  app.decorateRequest('t', undefined as unknown as Translate);

  app.addHook('onRequest', async (request, reply) => {
    const asked = (request.query as Record<string, unknown> | undefined)?.lang;
    if (request.method === 'GET' && isLanguage(asked)) {
      reply.setCookie(LANGUAGE_COOKIE, asked, {
        path: '/',
        maxAge: 365 * 24 * 60 * 60,
        httpOnly: true,
        sameSite: 'lax',
        secure: request.protocol === 'https',
      });
      const url = new URL(request.url, 'http://localhost');
      url.searchParams.delete('lang');
      // The address may carry a secret (a tracking link's token): keep it out of caches and referrers.
      reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
      return reply.redirect(`${url.pathname}${url.search}`, 303);
    }
    const remembered = request.cookies[LANGUAGE_COOKIE];
    const chosen = isLanguage(remembered) ? remembered : DEFAULT_LANGUAGE;
    request.language = isCompleteLanguage(chosen) || languagesOffered(request).includes(chosen) ? chosen : DEFAULT_LANGUAGE;
    request.t = translators[request.language];
  });
}

/** The languages a page is written in: English, Welsh, and any its route offers besides. */
export function languagesOffered(request: FastifyRequest): readonly Language[] {
  return request.routeOptions.config?.languages ?? [];
}
