import { describe, expect, it } from 'vitest';
import bwipjs from 'bwip-js';
import { CODE128_MAX_LENGTH, code128Svg } from '../../src/barcodes/labels.ts';

/** Code 128 symbol patterns (bar, space, bar … widths in modules), values 0–106 (ISO/IEC 15417). */
const PATTERNS = `212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 221312 231212 112232 122132
122231 113222 123122 123221 223211 221132 221231 213212 223112 312131 311222 321122 321221 312212 322112 322211
212123 212321 232121 111323 131123 131321 112313 132113 132311 211313 231113 231311 112133 112331 132131 113123
113321 133121 313121 211331 231131 213113 213311 213131 311123 311321 331121 312113 312311 332111 314111 221411
431111 111224 111422 121124 121421 141122 141221 112214 112412 122114 122411 142112 142211 241211 221114 413111
241112 134111 111242 121142 121241 114212 124112 124211 411212 421112 421211 212141 214121 412121 111143 111341
131141 114113 114311 411113 411311 113141 114131 311141 411131 211412 211214 211232 2331112`.split(/\s+/);

type Bar = { x: number; w: number; top: number; bottom: number };

/** The bars of an SVG as code128Svg draws them: one rectangle `M x y h w v h h -w z` each. */
function bars(svg: string): { bars: Bar[]; width: number; height: number } {
  const view = /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(svg);
  if (!view) throw new Error('no viewBox');
  const d = /<path[^>]* d="([^"]+)"/.exec(svg)?.[1] ?? '';
  const out: Bar[] = [];
  for (const m of d.matchAll(/M([\d.]+) ([\d.]+)h([\d.]+)v([\d.]+)h-([\d.]+)z/g)) {
    out.push({ x: Number(m[1]), top: Number(m[2]), w: Number(m[3]), bottom: Number(m[2]) + Number(m[4]) });
    expect(m[5]).toBe(m[3]);
  }
  return { bars: out.sort((a, b) => a.x - b.x), width: Number(view[1]), height: Number(view[2]) };
}

/** Reads the bars back as a scanner would: widths → symbols → Code 128 sets A/B/C → text. */
function decode(svg: string): string {
  const { bars: list, width } = bars(svg);
  const first = list[0]!;
  const last = list[list.length - 1]!;
  // Quiet zones of at least 10 modules on both sides.
  expect(first.x).toBeGreaterThanOrEqual(10);
  expect(width - (last.x + last.w)).toBeGreaterThanOrEqual(10);
  const widths: number[] = [];
  list.forEach((b, i) => {
    if (i > 0) {
      const prev = list[i - 1]!;
      widths.push(b.x - (prev.x + prev.w));
    }
    widths.push(b.w);
  });
  const values: number[] = [];
  let i = 0;
  while (i < widths.length) {
    const isStop = widths.length - i === 7;
    const pattern = widths.slice(i, i + (isStop ? 7 : 6)).join('');
    const v = PATTERNS.indexOf(pattern);
    if (v < 0) throw new Error(`no Code 128 symbol ${pattern} at element ${i}`);
    values.push(v);
    i += isStop ? 7 : 6;
  }
  expect(values.pop()).toBe(106); // stop
  const check = values.pop()!;
  expect(values.reduce((sum, v, k) => sum + v * (k === 0 ? 1 : k), 0) % 103).toBe(check);
  const start = values.shift()!;
  let set: 'A' | 'B' | 'C' = start === 103 ? 'A' : start === 104 ? 'B' : start === 105 ? 'C' : (() => { throw new Error(`bad start ${start}`); })();
  let text = '';
  for (const v of values) {
    if (set === 'C') {
      if (v < 100) text += String(v).padStart(2, '0');
      else if (v === 100) set = 'B';
      else if (v === 101) set = 'A';
      else throw new Error(`unexpected ${v} in set C`);
    } else if (v < 96) {
      text += set === 'B' ? String.fromCharCode(v + 32) : String.fromCharCode(v < 64 ? v + 32 : v - 64);
    } else if (v === 99) set = 'C';
    else if (v === 100 && set === 'A') set = 'B';
    else if (v === 101 && set === 'B') set = 'A';
    else throw new Error(`unexpected ${v} in set ${set}`);
  }
  return text;
}

describe('code128Svg', () => {
  it('draws an <svg> of black bars that decodes back to the text', () => {
    for (const text of ['A-01-01-1', 'DOCK-01', 'R-02-03-4', '0123456789', 'ASN-2026-000123', 'a~b c', 'X']) {
      const svg = code128Svg(text);
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(svg.endsWith('</svg>')).toBe(true);
      expect(svg).not.toContain('<text');
      expect(bars(svg).bars.length).toBeGreaterThan(5);
      expect(decode(svg)).toBe(text);
    }
  });

  it('draws the same bars as bwip-js toSVG(), shifted by the quiet zone', () => {
    for (const text of ['A-01-01-1', '0123456789', 'STAGE-01']) {
      const theirs = bwipjs.toSVG({ bcid: 'code128', text, scale: 1, height: 10 });
      const expected: { x: number; w: number }[] = [];
      for (const p of theirs.matchAll(/stroke-width="(\d+)" d="([^"]+)"/g)) {
        const w = Number(p[1]);
        for (const m of p[2]!.matchAll(/M([\d.]+) /g)) expected.push({ x: Number(m[1]) - w / 2 + 10, w });
      }
      expected.sort((a, b) => a.x - b.x);
      expect(bars(code128Svg(text)).bars.map((b) => ({ x: b.x, w: b.w }))).toEqual(expected);
    }
  });

  it('gives different codes different bars, the same code the same SVG', () => {
    expect(code128Svg('A-01-01-1')).not.toBe(code128Svg('A-01-01-2'));
    expect(code128Svg('A-01-01-1')).toBe(code128Svg('A-01-01-1'));
  });

  it('has a natural size in mm and stretches to the box a page gives it', () => {
    const svg = code128Svg('A-01-01-1', { height: 15 });
    expect(svg).toContain('height="15mm"');
    expect(svg).toMatch(/width="[\d.]+mm"/);
    expect(svg).toContain('preserveAspectRatio="none"');
    const { bars: list, height } = bars(svg);
    expect(list.every((b) => b.top === 0 && Math.abs(b.bottom - height) < 0.01)).toBe(true);
  });

  it('refuses empty, over-long and non-ASCII text', () => {
    expect(() => code128Svg('')).toThrow(Error);
    expect(() => code128Svg('A'.repeat(CODE128_MAX_LENGTH + 1))).toThrow(/longer/);
    expect(() => code128Svg('Ж-01')).toThrow(/ASCII/);
    expect(() => code128Svg('A\n1')).toThrow(/ASCII/);
    expect(() => code128Svg('A', { height: 0 })).toThrow();
    expect(decode(code128Svg('A'.repeat(CODE128_MAX_LENGTH)))).toBe('A'.repeat(CODE128_MAX_LENGTH));
  });
});
