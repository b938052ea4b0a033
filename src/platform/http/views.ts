// Pages: Nunjucks templates from views/ (shared layouts), src/ (each capability's views) and
// GOV.UK and MOJ Frontend. `reply.render` adds what every page needs (translator, nonce, CSRF
// token, who is signed in, the council's name) to the route's own data.
import view from '@fastify/view';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import nunjucks from 'nunjucks';
import path from 'node:path';
import type { StaffActor } from '../actor.ts';
import type { AssetManifest } from '../assets.ts';
import {
  COMPLETE_LANGUAGES,
  DEFAULT_LANGUAGE,
  directionOf,
  isCompleteLanguage,
  LANGUAGE_NAMES,
  type Language,
  type Translate,
} from '../i18n.ts';
import { languagesOffered } from './language.ts';

export interface Branding {
  councilName: string;
  councilNameCy: string | null;
}

export interface NavigationItem {
  text: string;
  href: string;
  active: boolean;
}

export interface ViewSettings {
  projectRoot: string;
  manifest: AssetManifest;
  production: boolean;
  branding(): Promise<Branding>;
  staffNavigation(actor: StaffActor, currentPath: string, t: Translate): NavigationItem[];
}

declare module 'fastify' {
  interface FastifyReply {
    /** Renders a page with the shared page data; `status` defaults to 200. */
    render(template: string, data?: Record<string, unknown>, status?: number): Promise<FastifyReply>;
  }
}

/** Dates as each language writes them (Urdu's own months and digits), in UK time. */
const DATE_LOCALES: Record<Language, string> = { en: 'en-GB', cy: 'cy-GB', ur: 'ur' };

/**
 * Each language's date formats, made once: making an Intl.DateTimeFormat costs more than the
 * rest of a page's data (a third of a millisecond each), and they are the same for every page.
 */
const DATE_FORMATS = Object.fromEntries(
  Object.entries(DATE_LOCALES).map(([language, locale]) => {
    const zone = { timeZone: 'Europe/London' } as const;
    return [
      language,
      {
        dateTime: new Intl.DateTimeFormat(locale, { ...zone, dateStyle: 'long', timeStyle: 'short' }),
        date: new Intl.DateTimeFormat(locale, { ...zone, dateStyle: 'long' }),
        // For tables with many columns: "30 Nov 2026".
        shortDate: new Intl.DateTimeFormat(locale, { ...zone, dateStyle: 'medium' }),
      },
    ];
  }),
) as Record<Language, Record<'dateTime' | 'date' | 'shortDate', Intl.DateTimeFormat>>;

export async function setUpViews(app: FastifyInstance, settings: ViewSettings): Promise<void> {
  const root = settings.projectRoot;
  await app.register(view, {
    engine: { nunjucks },
    templates: [
      path.join(root, 'views'),
      path.join(root, 'src'),
      path.join(root, 'node_modules/govuk-frontend/dist'),
      path.join(root, 'node_modules/@ministryofjustice/frontend'),
    ],
    options: {
      autoescape: true,
      noCache: !settings.production,
      onConfigure(env: nunjucks.Environment) {
        env.addGlobal('builtAsset', (name: string) => settings.manifest.files[name] ?? `/assets/${name}`);
      },
    },
  });

  app.decorateReply('render', async function render(this: FastifyReply, template: string, data = {}, status = 200) {
    const locals = await pageData(this.request, this, settings);
    return await this.code(status).view(template, { ...locals, ...data });
  });
}

async function pageData(request: FastifyRequest, reply: FastifyReply, settings: ViewSettings): Promise<Record<string, unknown>> {
  const t = request.t;
  const language = request.language;
  const branding = await settings.branding();
  const url = new URL(request.url, 'http://localhost');
  const staff = request.staff ?? null;
  // A one-off message from the previous page (e.g. "Password changed"), shown once.
  const flash = typeof request.session?.get === 'function' ? request.session.get('flash') : undefined;
  if (flash !== undefined) request.session.set('flash', undefined);
  const formats = DATE_FORMATS[language];
  return {
    t,
    language,
    cspNonce: reply.cspNonce?.script,
    csrfToken: () => (typeof reply.generateCsrf === 'function' && request.session ? reply.generateCsrf() : ''),
    currentPath: url.pathname,
    councilName: (language === 'cy' && branding.councilNameCy) || branding.councilName,
    staff,
    // The signed-in resident's name as kept in their session at sign-in: the portal's header reads no database.
    residentName: typeof request.session?.get === 'function' ? (request.session.get('residentName') ?? null) : null,
    flash,
    staffNavigation: staff ? settings.staffNavigation(staff, url.pathname, t) : [],
    direction: directionOf(language),
    // Council data (its name, its services' names) is kept in English and Welsh only: on a page in
    // another language, it is marked as English so that a screen reader says it right.
    dataLang: isCompleteLanguage(language) ? null : DEFAULT_LANGUAGE,
    languageLinks: [...COMPLETE_LANGUAGES, ...languagesOffered(request)].map((code) => {
      const link = new URL(url);
      link.searchParams.set('lang', code);
      return { text: LANGUAGE_NAMES[code], lang: code, href: `${link.pathname}${link.search}`, current: code === language };
    }),
    formatDateTime: (value: Date | string | null) => (value ? formats.dateTime.format(new Date(value)) : ''),
    formatDate: (value: Date | string | null) => (value ? formats.date.format(new Date(value)) : ''),
    formatShortDate: (value: Date | string | null) => (value ? formats.shortDate.format(new Date(value)) : ''),
  };
}
