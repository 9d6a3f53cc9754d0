/** Small statistics helpers for the benchmark: nearest-rank percentiles over millisecond samples. */

export type Summary = { n: number; p50: number; p95: number; p99: number; max: number; min: number; mean: number };

/** Nearest-rank percentile (p in 0–100) of samples; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** The middle value (mean of the two middle values for an even count). */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function summarize(samples: readonly number[]): Summary {
  return {
    n: samples.length,
    p50: median(samples),
    p95: percentile(samples, 95),
    p99: percentile(samples, 99),
    // A loop, not Math.max(...samples): hundreds of thousands of arguments overflow the stack.
    max: samples.length ? samples.reduce((a, b) => (b > a ? b : a), -Infinity) : Number.NaN,
    min: samples.length ? samples.reduce((a, b) => (b < a ? b : a), Infinity) : Number.NaN,
    mean: samples.length ? samples.reduce((a, b) => a + b, 0) / samples.length : Number.NaN,
  };
}

/** Milliseconds with a sensible number of decimals. */
export function ms(v: number): string {
  if (!Number.isFinite(v)) return '—';
  if (v >= 1000) return `${(v / 1000).toFixed(2)} s`;
  if (v >= 100) return `${v.toFixed(0)} ms`;
  if (v >= 10) return `${v.toFixed(1)} ms`;
  return `${v.toFixed(2)} ms`;
}
