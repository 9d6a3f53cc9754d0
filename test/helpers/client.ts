import type { Db } from '../../src/db/client.ts';
import { createApp, type App } from '../../src/app.tsx';
import { PASSWORD } from './world.ts';

export function testApp(db: Db): App {
  // Behind a "proxy": each test client comes from its own address (X-Forwarded-For), so the
  // per-address sign-in limit counts one client, as it would count one handheld.
  return createApp({ db, settings: { logRequests: false, trustProxy: true } });
}

/** A browser-like client for app.request: keeps cookies and the page's CSRF token. */
export class Client {
  cookies = new Map<string, string>();
  csrf = '';
  readonly address = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
  constructor(
    readonly app: App,
    readonly origin = 'http://localhost',
  ) {}

  async request(path: string, init: RequestInit & { htmx?: boolean } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('Cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    if (init.htmx) headers.set('HX-Request', 'true');
    if (!headers.has('X-Forwarded-For')) headers.set('X-Forwarded-For', this.address);
    const res = await this.app.request(this.origin + path, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [name, ...rest] = pair!.split('=');
      const value = rest.join('=');
      if (/max-age=0/i.test(c) || value === '') this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value);
    }
    if ((res.headers.get('content-type') ?? '').includes('text/html')) {
      const html = await res.clone().text();
      const m = /name="_csrf" value="([a-z2-9]+)"/.exec(html) ?? /&quot;X-CSRF-Token&quot;:&quot;([a-z2-9]+)&quot;/.exec(html);
      if (m) this.csrf = m[1]!;
    }
    return res;
  }

  get(path: string, init: RequestInit & { htmx?: boolean } = {}) {
    return this.request(path, init);
  }

  /** A form post, as the browser sends it (with the CSRF field unless told otherwise). */
  post(path: string, fields: Record<string, string>, opts: { csrf?: boolean; htmx?: boolean; headers?: Record<string, string> } = {}) {
    const body = new URLSearchParams(fields);
    if (opts.csrf !== false) body.set('_csrf', this.csrf);
    return this.request(path, { method: 'POST', body, htmx: opts.htmx, headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: this.origin, ...opts.headers } });
  }

  async login(email: string, password = PASSWORD): Promise<Response> {
    await this.get('/login');
    return this.post('/login', { email, password });
  }

  async json<T = unknown>(path: string): Promise<{ status: number; body: T; type: string }> {
    const res = await this.get(path);
    return { status: res.status, body: (await res.json()) as T, type: res.headers.get('content-type') ?? '' };
  }
}

export async function signedIn(app: App, email: string): Promise<Client> {
  const c = new Client(app);
  const res = await c.login(email);
  if (res.status !== 303) throw new Error(`sign-in of ${email} failed: ${res.status}`);
  await c.get('/inventory');
  return c;
}
