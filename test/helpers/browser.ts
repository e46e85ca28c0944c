interface Cookie { name: string; value: string; path: string }

export interface Page {
  status: number;
  url: string;
  headers: Headers;
  body: string;
}

/**
 * A minimal browser over fetch: a cookie jar (with paths) and redirects followed by hand, so
 * tests see every hop, and forms posted as a browser would post them.
 */
export class Browser {
  readonly #cookies = new Map<string, Cookie>();
  readonly #route: (url: URL) => URL;

  /** `route` picks where each request really goes, as a load balancer in front of several nodes would. */
  constructor(route: (url: URL) => URL = (url) => url) {
    this.#route = route;
  }

  async request(url: string, init: { method?: string; form?: Record<string, string>; body?: string; headers?: Record<string, string> } = {}): Promise<Page> {
    const target = new URL(url);
    const headers: Record<string, string> = { accept: 'text/html', ...init.headers };
    const cookie = [...this.#cookies.values()].filter((c) => target.pathname.startsWith(c.path)).map((c) => `${c.name}=${c.value}`).join('; ');
    if (cookie) headers.cookie = cookie;
    let body = init.body;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(this.#route(target), { method: init.method ?? (init.form ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) this.#store(line);
    return { status: response.status, url: target.href, headers: response.headers, body: await response.text() };
  }

  /** Follows redirects until a page is not one, or until `stop` says to stop at a location. */
  async follow(url: string, stop: (location: string) => boolean = () => false, init?: Parameters<Browser['request']>[1]): Promise<Page> {
    let page = await this.request(url, init);
    for (let hops = 0; hops < 20; hops++) {
      const location = page.headers.get('location');
      if (!location || page.status < 300 || page.status >= 400) return page;
      const next = new URL(location, page.url).href;
      if (stop(next)) return { ...page, url: next };
      page = await this.request(next);
    }
    throw new Error('too many redirects');
  }

  /** Every cookie value the browser holds. */
  cookieValues(): string[] {
    return [...this.#cookies.values()].map((c) => c.value);
  }

  #store(line: string): void {
    const [pair, ...attributes] = line.split(';').map((part) => part.trim());
    const eq = pair!.indexOf('=');
    const name = pair!.slice(0, eq);
    const value = pair!.slice(eq + 1);
    const pathAttr = attributes.find((a) => a.toLowerCase().startsWith('path='));
    const path = pathAttr ? pathAttr.slice(5) : '/';
    const expired = attributes.some((a) => /^expires=/i.test(a) && new Date(a.slice(8)).getTime() < Date.now())
      || attributes.some((a) => /^max-age=0$/i.test(a));
    const key = `${name};${path}`;
    if (expired || value === '') this.#cookies.delete(key);
    else this.#cookies.set(key, { name, value, path });
  }
}

/** The value of a hidden form field on a page. */
export function hiddenField(html: string, name: string): string {
  const match = html.match(new RegExp(`name="${name}" value="([^"]*)"`));
  if (!match) throw new Error(`no ${name} field on the page`);
  return match[1]!;
}

/** The form's action on a page. */
export function formAction(html: string, path: string): string {
  const match = html.match(/<form[^>]* method="post" action="([^"]+)"/);
  if (!match) throw new Error('no form on the page');
  return new URL(match[1]!, path).href;
}

/** An attribute value as a browser reads it: the entities Eta's escaping writes, decoded. */
const unescapeHtml = (value: string) => value.replace(/&(quot|#39|lt|gt|amp);/g, (_, e: string) => ({ quot: '"', '#39': "'", lt: '<', gt: '>', amp: '&' })[e]!);

/** Every hidden field of the first form posted on a page, as a browser would send them. */
export function hiddenFields(html: string): Record<string, string> {
  const form = html.match(/<form[^>]* method="post"[\s\S]*?<\/form>/)?.[0] ?? '';
  return Object.fromEntries([...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, unescapeHtml(m[2]!)]));
}

/**
 * Posts the form on the page whose action ends with `action`, with its hidden fields and these,
 * following redirects; a consent page on the way is accepted, as its user would.
 */
export async function postForm(browser: Browser, page: Page, action: string, fields: Record<string, string> = {}, stop?: (location: string) => boolean): Promise<Page> {
  const form = [...page.body.matchAll(/<form[^>]* method="post" action="([^"]+)"[\s\S]*?<\/form>/g)].find((f) => f[1]!.endsWith(action));
  if (!form) throw new Error(`no form posting to ${action} on ${page.url}: ${page.body.slice(page.body.indexOf('<h1'), page.body.indexOf('<h1') + 400)}`);
  const next = await browser.follow(new URL(form[1]!, page.url).href, stop, { form: { ...hiddenFields(form[0]), ...fields } });
  return next.body.includes('Allow access') ? postForm(browser, next, '/consent', {}, stop) : next;
}
