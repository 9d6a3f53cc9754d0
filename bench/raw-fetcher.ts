/**
 * A keep-alive HTTP/1.1 client on raw sockets with the `request(url, init) → Response` shape the
 * bench's session clients use. Handhelds and integrations are other machines; the bench runs
 * them on the server's own cores, where Node's fetch costs 2–3 ms of CPU per request and adds
 * its own queueing to the latency it reports. This one writes the request and parses the answer
 * (Content-Length or chunked) with little more than the socket's own work.
 *
 * Enough of HTTP for the bench's requests: no redirects followed (the clients ask for
 * `redirect: 'manual'`), no compression, no trailers, no 100-continue.
 */
import net from 'node:net';

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
const NO_BODY = new Set([101, 204, 205, 304]);

type Parsed = { status: number; head: string; body: Buffer; length: number; close: boolean };

/** One whole response at the start of `buf` (its body de-chunked), or null while incomplete. */
export function parseWholeResponse(buf: Buffer, method: string): Parsed | null {
  const headEnd = buf.indexOf(HEAD_END);
  if (headEnd < 0) return null;
  const head = buf.subarray(0, headEnd).toString('latin1');
  const status = Number(head.slice(9, 12));
  if (!Number.isInteger(status) || status < 100) throw new Error(`not an HTTP response: ${head.slice(0, 40)}`);
  const start = headEnd + 4;
  const close = /\r\nconnection:\s*close/i.test(head);
  if (method === 'HEAD' || NO_BODY.has(status)) return { status, head, body: Buffer.alloc(0), length: start, close };
  const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (cl) {
    const end = start + Number(cl[1]);
    return buf.length >= end ? { status, head, body: buf.subarray(start, end), length: end, close } : null;
  }
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
    const parts: Buffer[] = [];
    let at = start;
    for (;;) {
      const lineEnd = buf.indexOf(CRLF, at);
      if (lineEnd < 0) return null;
      const size = parseInt(buf.subarray(at, lineEnd).toString('latin1'), 16);
      if (Number.isNaN(size)) throw new Error('bad chunk size');
      at = lineEnd + 2;
      if (size === 0) return buf.length >= at + 2 ? { status, head, body: Buffer.concat(parts), length: at + 2, close } : null;
      if (buf.length < at + size + 2) return null;
      parts.push(buf.subarray(at, at + size));
      at += size + 2;
    }
  }
  throw new Error(`response ${status} without a length`);
}

function toResponse(p: Parsed): Response {
  const headers = new Headers();
  for (const line of p.head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return new Response(NO_BODY.has(p.status) ? null : new Uint8Array(p.body), { status: p.status, headers });
}

/** One keep-alive socket: a request at a time. */
class Connection {
  private pending: Buffer = Buffer.alloc(0);
  private waiting: { method: string; resolve: (p: Parsed) => void; reject: (e: Error) => void } | null = null;
  closed = false;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
      const w = this.waiting;
      if (!w) return;
      let parsed: Parsed | null;
      try {
        parsed = parseWholeResponse(this.pending, w.method);
      } catch (err) {
        this.fail(err as Error);
        return;
      }
      if (!parsed) return;
      this.pending = this.pending.subarray(parsed.length);
      this.waiting = null;
      w.resolve(parsed);
    });
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('connection closed by the server')));
  }

  static open(host: string, port: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port, noDelay: true });
      socket.once('connect', () => resolve(new Connection(socket)));
      socket.once('error', reject);
    });
  }

  send(request: Buffer, method: string): Promise<Parsed> {
    if (this.closed) return Promise.reject(new Error('connection closed'));
    return new Promise((resolve, reject) => {
      this.waiting = { method, resolve, reject };
      this.socket.write(request);
    });
  }

  private fail(err: Error) {
    this.closed = true;
    this.socket.destroy();
    const w = this.waiting;
    this.waiting = null;
    w?.reject(err);
  }

  destroy() {
    this.closed = true;
    this.socket.destroy();
  }
}

function bodyOf(init: RequestInit, headers: Headers): Buffer | null {
  const b = init.body;
  if (b === undefined || b === null) return null;
  if (typeof b === 'string') return Buffer.from(b, 'utf8');
  if (b instanceof URLSearchParams) {
    if (!headers.has('content-type')) headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8');
    return Buffer.from(b.toString(), 'utf8');
  }
  if (b instanceof Uint8Array) return Buffer.from(b);
  throw new Error('raw fetcher: body must be a string, URLSearchParams or bytes');
}

/** A fetcher whose connections are kept per host and reused; each request takes an idle one or opens one. */
export function rawFetcher() {
  const idle = new Map<string, Connection[]>();
  return {
    async request(input: string, init: RequestInit = {}): Promise<Response> {
      const url = new URL(input);
      const method = (init.method ?? 'GET').toUpperCase();
      const headers = new Headers(init.headers);
      const body = bodyOf(init, headers);
      let head = `${method} ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: keep-alive\r\n`;
      headers.forEach((v, k) => (head += `${k}: ${v}\r\n`));
      if (body) head += `Content-Length: ${body.length}\r\n`;
      const request = Buffer.concat([Buffer.from(head + '\r\n', 'latin1'), ...(body ? [body] : [])]);
      const pool = idle.get(url.host) ?? [];
      idle.set(url.host, pool);
      let conn = pool.pop();
      while (conn?.closed) conn = pool.pop();
      let parsed: Parsed;
      if (conn) {
        try {
          parsed = await conn.send(request, method);
        } catch {
          // The server closed an idle connection as this request went out: once more on a new one.
          conn = await Connection.open(url.hostname, Number(url.port || 80));
          parsed = await conn.send(request, method);
        }
      } else {
        conn = await Connection.open(url.hostname, Number(url.port || 80));
        parsed = await conn.send(request, method);
      }
      if (parsed.close) conn.destroy();
      else pool.push(conn);
      return toResponse(parsed);
    },
  };
}
