import { describe, expect, it } from 'vitest';
import { matrix } from '../matrix.ts';
import { dendrogramSvg } from './dendrogram-svg.ts';
import { wardLinkage } from './hierarchical.ts';
import { scatterSvg } from './scatter-svg.ts';
import { rngFor } from '../../prng.ts';

/** A minimal well-formedness check: balanced tags, quoted attributes, no raw '<' or '&' in text. Returns element counts. */
function parseSvg(svg: string): Map<string, number> {
  const counts = new Map<string, number>();
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(svg); m; m = tag.exec(svg)) {
    const text = svg.slice(last, m.index);
    if (/[<>]/.test(text) || /&(?!(lt|gt|amp|quot|apos);)/.test(text)) throw new Error(`bad text: ${text}`);
    last = tag.lastIndex;
    const [, close, name, , self] = m;
    if (close) {
      if (stack.pop() !== name) throw new Error(`unbalanced </${name}>`);
    } else {
      counts.set(name!, (counts.get(name!) ?? 0) + 1);
      if (!self) stack.push(name!);
    }
  }
  if (stack.length > 0) throw new Error(`unclosed ${stack.join(',')}`);
  if (/[<>]/.test(svg.slice(last))) throw new Error('trailing markup');
  return counts;
}

function points(n: number) {
  const rng = rngFor(1, 'svg');
  const x = matrix(n, 2);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 10 === 9 ? -1 : i % 3;
    x.data[2 * i] = labels[i]! * 5 + rng.normal();
    x.data[2 * i + 1] = rng.normal();
  }
  return { x, labels };
}

describe('scatterSvg', () => {
  it('is a well-formed standalone SVG with axes, legend, escaped title and grey noise', () => {
    const { x, labels } = points(300);
    const svg = scatterSvg(x, labels, { title: 'PCA <of> customers & "friends"', names: { 0: 'VIPs', 1: 'At risk' } });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    const counts = parseSvg(svg);
    expect(counts.get('circle')).toBe(300 + 4); // points + legend markers
    expect(svg).toContain('PCA &lt;of&gt; customers &amp; &quot;friends&quot;');
    expect(svg).not.toContain('<of>');
    expect(svg).toContain('VIPs (');
    expect(svg).toContain('At risk (');
    expect(svg).toContain('cluster 2 (');
    expect(svg).toContain('noise (30)');
    expect(svg).toContain('#9E9E9E');
    expect(counts.get('line')!).toBeGreaterThan(6); // axes + ticks
  });
  it('samples above maxPoints, deterministically', () => {
    const { x, labels } = points(2000);
    const svg = scatterSvg(x, labels, { maxPoints: 500 });
    expect(parseSvg(svg).get('circle')).toBe(500 + 4);
    expect(svg).toContain('500 of 2000 points drawn');
    expect(scatterSvg(x, labels, { maxPoints: 500 })).toBe(svg);
  });
});

describe('dendrogramSvg', () => {
  it('draws the last merges only, leaves labelled with sizes', () => {
    const { x } = points(200);
    const l = wardLinkage(x);
    const svg = dendrogramSvg(l, { title: 'Ward <tree>', maxLeaves: 12 });
    const counts = parseSvg(svg);
    expect(counts.get('path')).toBe(11); // p leaves → p − 1 merges
    expect(svg.match(/class="leaf"/g)).toHaveLength(12);
    expect(svg).toContain('Ward &lt;tree&gt;');
    expect(svg).toMatch(/>\(\d+\)</); // a leaf labelled with its size
    expect(svg).toContain('class="legend"');
    const full = dendrogramSvg(wardLinkage(matrix(5, 2, Float64Array.from([0, 0, 0, 1, 5, 5, 6, 5, 20, 20]))));
    expect(parseSvg(full).get('path')).toBe(4);
  });
});
