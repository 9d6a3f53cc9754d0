/**
 * Server memory under load: the resident set (VmRSS) of the process that serves the requests,
 * sampled every 250 ms while a section runs, by phase, and the kernel's high-water mark (VmHWM)
 * at the end. The server runs as `npm start` runs it (`node dist/server.mjs`, one process); were it
 * started through a launcher (`tsx file.ts` starts a second node process), the launcher is reported apart.
 */
import { readFileSync } from 'node:fs';
import { appProcess, row, verdict } from './harness.ts';

const SAMPLE_MS = 250;
/** The target, 250 MB, in MiB. */
export const MEMORY_TARGET_MIB = 250e6 / 2 ** 20;

/** A `VmRSS:` / `VmHWM:` line of /proc/<pid>/status in MiB; NaN when unreadable. */
export function procMemMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

export type MemoryReport = {
  section: string;
  /** Peak sampled RSS of the app process by phase, in the order the phases ran. */
  phases: { phase: string; peakMiB: number; samples: number }[];
  peakMiB: number;
  /** The kernel's high-water mark of the app process's RSS (start-up and seeding included). */
  hwmMiB: number;
  /** RSS of the tsx launcher process (not serving requests). */
  launcherMiB: number;
  /** RSS right after start, before any load. */
  idleMiB: number;
};

export class MemorySampler {
  private readonly pid: number;
  private readonly launcher: number | null;
  private current = 'idle';
  private readonly peaks = new Map<string, { peak: number; samples: number }>();
  private timer: NodeJS.Timeout | null = null;
  private readonly idle: number;

  /** `serverPid`: the spawned process; `script`: what it runs (finds the app process behind a launcher). */
  constructor(
    private readonly section: string,
    serverPid: number,
    script = 'dist/server.mjs',
  ) {
    const p = appProcess(serverPid, script);
    this.pid = p.pid;
    this.launcher = p.launcher;
    this.idle = procMemMiB(this.pid, 'VmRSS');
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
    this.timer.unref();
  }

  /** The process id that serves requests (for CPU accounting too). */
  get appPid(): number {
    return this.pid;
  }

  /** Samples taken from now on count for `name` (`null`: not a load phase, not counted). */
  phase(name: string | null): void {
    this.sample();
    this.current = name ?? '';
  }

  private sample(): void {
    if (!this.current) return;
    const rss = procMemMiB(this.pid, 'VmRSS');
    if (!Number.isFinite(rss)) return;
    const p = this.peaks.get(this.current) ?? { peak: 0, samples: 0 };
    p.peak = Math.max(p.peak, rss);
    p.samples++;
    this.peaks.set(this.current, p);
  }

  /** Stops sampling (call before the server stops: the high-water mark is read now). */
  stop(): MemoryReport {
    this.sample();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const phases = [...this.peaks].filter(([name]) => name !== 'idle').map(([phase, p]) => ({ phase, peakMiB: p.peak, samples: p.samples }));
    return {
      section: this.section,
      phases,
      peakMiB: Math.max(0, ...phases.map((p) => p.peakMiB)),
      hwmMiB: procMemMiB(this.pid, 'VmHWM'),
      launcherMiB: this.launcher === null ? Number.NaN : procMemMiB(this.launcher, 'VmRSS'),
      idleMiB: this.idle,
    };
  }
}

const mib = (x: number) => (Number.isFinite(x) ? `${x.toFixed(0)} MiB` : '—');

/** One table over every section that measured the server's memory. */
export function memoryMarkdown(reports: MemoryReport[]): string[] {
  if (reports.length === 0) return [];
  const out: string[] = [];
  out.push(row(['Server memory under load (RSS of the node process serving requests, sampled every 250 ms)', 'Idle after start', 'Peak under load', 'High-water mark (start-up included)', 'Peak by phase', 'Target < 250 MB (238 MiB)']));
  out.push(row(['---', '---:', '---:', '---:', '---', '---']));
  for (const r of reports) {
    const phases = r.phases.map((p) => `${p.phase} ${p.peakMiB.toFixed(0)}`).join(', ');
    out.push(row([r.section, mib(r.idleMiB), mib(r.peakMiB), mib(r.hwmMiB), phases, verdict(r.peakMiB < MEMORY_TARGET_MIB)]));
  }
  const worst = reports.reduce((a, b) => (b.peakMiB > a.peakMiB ? b : a));
  const launcher = reports.map((r) => r.launcherMiB).filter(Number.isFinite);
  out.push('');
  out.push(
    `Peak over all sections: **${mib(worst.peakMiB)}** (${worst.section}). MiB = 2^20 bytes (250 MB = 238 MiB). ` +
      (launcher.length ? `The \`tsx\` launcher that starts the app process holds another ${mib(Math.max(...launcher))} and serves nothing (\`node --import tsx/esm src/server.ts\` would not have it).` : ''),
  );
  return out;
}
