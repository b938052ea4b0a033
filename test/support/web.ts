// A small web client for black-box tests: real HTTP, a cookie jar, the CSRF token taken from the
// last page's form (as a browser would send it), and parsed HTML to ask questions of.
import { parse, type HTMLElement } from 'node-html-parser';

export interface Page {
  status: number;
  /** Where a redirect points (path and query), if it is one. */
  location: string | null;
  headers: Headers;
  html: string;
  dom: HTMLElement;
  /** The page's <h1>, trimmed. */
  heading: string;
  /** The texts of the GOV.UK error summary's items. */
  errorSummary: string[];
}

export class WebClient {
  private readonly cookies = new Map<string, string>();
  private csrfToken: string | undefined;

  /** `address`: the client address to claim in X-Forwarded-For (believed only from a trusted proxy). */
  constructor(
    readonly baseUrl: string,
    readonly address?: string,
  ) {}

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  async get(path: string): Promise<Page> {
    return await this.request('GET', path);
  }

  /** Posts a form, adding the CSRF token of the last page fetched unless `_csrf` is given. */
  async post(path: string, fields: Record<string, string | string[]>, options: { csrf?: boolean } = {}): Promise<Page> {
    const body = new URLSearchParams();
    if (options.csrf !== false && fields._csrf === undefined && this.csrfToken) body.append('_csrf', this.csrfToken);
    for (const [name, value] of Object.entries(fields)) {
      for (const item of Array.isArray(value) ? value : [value]) body.append(name, item);
    }
    return await this.request('POST', path, body);
  }

  /**
   * Posts a multipart form (with files), the CSRF token first as the page's forms send it.
   * `fields` go in order; a Blob value is a file, sent with `fileName`.
   */
  async postMultipart(path: string, fields: [string, string | { content: Buffer; fileName: string }][]): Promise<Page> {
    const body = new FormData();
    if (this.csrfToken) body.append('_csrf', this.csrfToken);
    for (const [name, value] of fields) {
      if (typeof value === 'string') body.append(name, value);
      else body.append(name, new Blob([value.content]), value.fileName);
    }
    return await this.request('POST', path, body);
  }

  /** The cookies held, as a Cookie header: for a raw fetch (a download's bytes, say). */
  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** Follows a redirect response with a GET. */
  async follow(page: Page): Promise<Page> {
    if (!page.location) throw new Error(`expected a redirect, got ${page.status}`);
    return await this.get(page.location);
  }

  async signIn(email: string, password: string): Promise<Page> {
    await this.get('/staff/sign-in');
    return await this.post('/staff/sign-in', { email, password });
  }

  private async request(method: string, path: string, body?: URLSearchParams | FormData): Promise<Page> {
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) headers.cookie = this.cookieHeader();
    // fetch sets a FormData body's multipart type, with its boundary, itself.
    if (body instanceof URLSearchParams) headers['content-type'] = 'application/x-www-form-urlencoded';
    if (this.address) headers['x-forwarded-for'] = this.address;
    const response = await fetch(new URL(path, this.baseUrl), { method, headers, body, redirect: 'manual' });
    for (const setCookie of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = setCookie.split(';');
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      const expired = attributes.some((attribute) => /^\s*expires=thu, 01 jan 1970/i.test(attribute)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const html = await response.text();
    const dom = parse(html);
    const token = dom.querySelector('input[name="_csrf"]')?.getAttribute('value');
    if (token) this.csrfToken = token;
    const location = response.headers.get('location');
    return {
      status: response.status,
      location: location ? location.replace(this.baseUrl, '') : null,
      headers: response.headers,
      html,
      dom,
      heading: dom.querySelector('h1')?.text.trim().replace(/\s+/g, ' ') ?? '',
      errorSummary: dom.querySelectorAll('.govuk-error-summary__list li').map((item) => item.text.trim()),
    };
  }
}
