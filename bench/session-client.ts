/** A minimal browser-like client over app.request for the benchmark: keeps cookies and the CSRF token. */

type Fetcher = { request(input: string, init?: RequestInit): Response | Promise<Response> };

export class SessionClient {
  readonly cookies = new Map<string, string>();
  csrf = '';

  constructor(
    private readonly app: Fetcher,
    readonly origin = 'http://localhost',
  ) {}

  /** Sends a request with the kept cookies; remembers Set-Cookie. Does not read the body. */
  async send(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('Cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await this.app.request(this.origin + path, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';')[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq < 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /max-age=0\b/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** Signs in the way the login form does: GET /login for the CSRF cookie and field, then POST. */
  async signIn(email: string, password: string): Promise<void> {
    const page = await this.send('/login');
    const html = await page.text();
    if (page.status !== 200) throw new Error(`GET /login answered ${page.status}`);
    const m = /name="_csrf"\s+value="([^"]+)"/.exec(html) ?? /value="([^"]+)"\s+name="_csrf"/.exec(html);
    if (!m) throw new Error('GET /login: no _csrf hidden field found');
    this.csrf = m[1]!;
    if (!this.cookies.has('caravan_csrf')) throw new Error('GET /login: no caravan_csrf cookie set');
    const body = new URLSearchParams({ email, password, _csrf: this.csrf });
    const res = await this.send('/login', {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: this.origin },
    });
    await res.arrayBuffer();
    if (res.status !== 303) throw new Error(`POST /login as ${email} answered ${res.status}, expected 303`);
    if (!this.cookies.has('caravan_session')) throw new Error('POST /login: no caravan_session cookie set');
  }

  /**
   * After sign-in the session has its own CSRF token (the one from /login was the visitor's):
   * reads it from the `_csrf` field of a signed-in page, for POSTs with the X-CSRF-Token header.
   */
  async loadCsrf(path = '/inventory'): Promise<string> {
    const page = await this.send(path);
    const html = await page.text();
    if (page.status !== 200) throw new Error(`GET ${path} answered ${page.status}`);
    const m = /name="_csrf"\s+value="([^"]+)"/.exec(html) ?? /value="([^"]+)"\s+name="_csrf"/.exec(html);
    if (!m) throw new Error(`GET ${path}: no _csrf hidden field found`);
    this.csrf = m[1]!;
    return this.csrf;
  }

  /** Takes over another client's cookies and CSRF token (one session shared by several clients). */
  shareSession(other: SessionClient): void {
    this.cookies.clear();
    for (const [k, v] of other.cookies) this.cookies.set(k, v);
    this.csrf = other.csrf;
  }
}

/** `n` clients on `origin`, each signed in as `email` with a session of its own (and the CSRF token of `csrfPath`, when given). */
export async function signedInClients(fetcher: Fetcher, origin: string, n: number, email: string, password: string, csrfPath?: string): Promise<SessionClient[]> {
  const clients: SessionClient[] = [];
  for (let i = 0; i < n; i++) {
    const c = new SessionClient(fetcher, origin);
    await c.signIn(email, password);
    if (csrfPath) await c.loadCsrf(csrfPath);
    clients.push(c);
  }
  return clients;
}
