/**
 * A small HTTP/1.1 load generator on raw keep-alive sockets, for GET requests: each connection
 * sends a request, reads the whole answer (Content-Length or chunked), and sends the next one.
 * It costs the client far less CPU per request than fetch, so a hello-world server is measured
 * rather than the client (client and server still share the machine's cores).
 */
import net from 'node:net';
import { summarize, type Summary } from './stats.ts';
import { parseWholeResponse } from './raw-fetcher.ts';

export type HttpLoadOptions = {
  port: number;
  host?: string;
  path: string;
  headers?: Record<string, string>;
  connections: number;
  durationMs: number;
  /** Untimed requests before the timed part, per connection. */
  warmupMs?: number;
};

export type HttpLoadResult = { requests: number; rps: number; latency: Summary; statuses: Record<string, number>; errors: number; bytesPerResponse: number; wallMs: number };

export async function httpLoad(opts: HttpLoadOptions): Promise<HttpLoadResult> {
  const host = opts.host ?? '127.0.0.1';
  const extra = Object.entries(opts.headers ?? {})
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  const request = Buffer.from(`GET ${opts.path} HTTP/1.1\r\nHost: ${host}:${opts.port}\r\nConnection: keep-alive\r\n${extra}\r\n`, 'latin1');
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let bytes = 0;
  let timing = false;
  let stopAt = Number.POSITIVE_INFINITY;

  const connection = () =>
    new Promise<void>((resolve) => {
      const open = () => {
        let pending: Buffer = Buffer.alloc(0);
        let sentAt = 0;
        let done = false;
        const socket = net.connect({ host, port: opts.port, noDelay: true });
        /** This socket is over: open another (the server closed it) or stop. */
        const finish = (reopen: boolean) => {
          if (done) return;
          done = true;
          socket.destroy();
          if (reopen && performance.now() < stopAt) open();
          else resolve();
        };
        const send = () => {
          if (performance.now() >= stopAt) return finish(false);
          sentAt = performance.now();
          socket.write(request);
        };
        socket.on('connect', send);
        socket.on('data', (chunk: Buffer) => {
          pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
          let parsed: ReturnType<typeof parseWholeResponse>;
          try {
            parsed = parseWholeResponse(pending, 'GET');
          } catch {
            errors++;
            return finish(true);
          }
          if (!parsed) return;
          const now = performance.now();
          if (timing && now <= stopAt) {
            latencies.push(now - sentAt);
            statuses[parsed.status] = (statuses[parsed.status] ?? 0) + 1;
            bytes = parsed.length;
          }
          pending = pending.subarray(parsed.length);
          if (parsed.close) return finish(true);
          send();
        });
        socket.on('error', () => {
          errors++;
          finish(true);
        });
        socket.on('close', () => finish(true));
      };
      open();
    });

  const warm = opts.warmupMs ?? 1000;
  const t0 = performance.now();
  stopAt = t0 + warm + opts.durationMs;
  const running = Array.from({ length: opts.connections }, () => connection());
  await new Promise((r) => setTimeout(r, warm));
  timing = true;
  const t1 = performance.now();
  await Promise.all(running);
  const wallMs = stopAt - t1;
  return { requests: latencies.length, rps: latencies.length / (wallMs / 1000), latency: summarize(latencies), statuses, errors, bytesPerResponse: bytes, wallMs };
}
