// Pages: Nunjucks templates from views/ (shared layouts), src/ (each capability's views) and
// GOV.UK and MOJ Frontend. `reply.render` adds what every page needs (translator, nonce, CSRF
// token, who is signed in, the council's name) to the route's own data.
import view from '@fastify/view';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import nunjucks from 'nunjucks';
import path from 'node:path';
import type { StaffActor } from '../actor.ts';
import type { AssetManifest } from '../assets.ts';
import { LANGUAGES, type Language, type Translate } from '../i18n.ts';

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

const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', cy: 'Cymraeg' };

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
  const dateFormat = new Intl.DateTimeFormat(language === 'cy' ? 'cy-GB' : 'en-GB', {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'Europe/London',
  });
  const dayFormat = new Intl.DateTimeFormat(language === 'cy' ? 'cy-GB' : 'en-GB', {
    dateStyle: 'long',
    timeZone: 'Europe/London',
  });
  // For tables with many columns: "30 Nov 2026".
  const shortDayFormat = new Intl.DateTimeFormat(language === 'cy' ? 'cy-GB' : 'en-GB', {
    dateStyle: 'medium',
    timeZone: 'Europe/London',
  });
  return {
    t,
    language,
    cspNonce: reply.cspNonce?.script,
    csrfToken: () => (typeof reply.generateCsrf === 'function' && request.session ? reply.generateCsrf() : ''),
    currentPath: url.pathname,
    councilName: (language === 'cy' && branding.councilNameCy) || branding.councilName,
    staff,
    flash,
    staffNavigation: staff ? settings.staffNavigation(staff, url.pathname, t) : [],
    languageLinks: LANGUAGES.map((code) => {
      const link = new URL(url);
      link.searchParams.set('lang', code);
      return { text: LANGUAGE_NAMES[code], lang: code, href: `${link.pathname}${link.search}`, current: code === language };
    }),
    formatDateTime: (value: Date | string | null) => (value ? dateFormat.format(new Date(value)) : ''),
    formatDate: (value: Date | string | null) => (value ? dayFormat.format(new Date(value)) : ''),
    formatShortDate: (value: Date | string | null) => (value ? shortDayFormat.format(new Date(value)) : ''),
  };
}
