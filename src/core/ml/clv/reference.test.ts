import { describe, expect, it } from 'vitest';
import { bgNbdLogLikelihood, bgNbdModel } from './bg-nbd.ts';
import { gammaGammaLogLikelihood, gammaGammaModel } from './gamma-gamma.ts';
import { paretoNbdLogLikelihood, paretoNbdModel } from './pareto-nbd.ts';
import { hyp2f1, lnGamma } from './special.ts';
import { readFixture } from '../../../../test/helpers/fixtures.ts';

// test/fixtures/clv-reference.json is written by bench/reference/clv_reference.py with scipy
// (its `source` names the versions); the formulas there are written independently from the papers.
interface Customer { x: number; tx: number; T: number; ll: number; pAlive: number; expected?: Record<string, number> }
const ref = readFixture('clv-reference.json') as {
  source: string;
  bgnbdParams: { r: number; alpha: number; a: number; b: number };
  paretoParams: { r: number; alpha: number; s: number; beta: number };
  gammaGammaParams: { p: number; q: number; gamma: number };
  lnGamma: [number, number][];
  hyp2f1: [number, number, number, number, number][];
  bgnbd: Customer[];
  bgnbdUnconditional: Record<string, number>;
  pareto: Customer[];
  paretoUnconditional: Record<string, number>;
  gammaGamma: { x: number; zbar: number; ll: number; expected: number }[];
};

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-300, Math.abs(b));

describe(`CLV maths against scipy (${ref.source})`, () => {
  it('ln Γ and 2F1', () => {
    for (const [x, v] of ref.lnGamma) expect(Math.abs(lnGamma(x) - v)).toBeLessThan(1e-12 * Math.max(1, Math.abs(v)));
    for (const [a, b, c, z, v] of ref.hyp2f1) expect(rel(hyp2f1(a, b, c, z), v)).toBeLessThan(1e-12);
  });

  it('BG/NBD per-customer log-likelihood, P(alive), conditional and unconditional expectations', () => {
    const m = bgNbdModel(ref.bgnbdParams, 0, 0);
    for (const c of ref.bgnbd) {
      const one = { x: [c.x], tx: [c.tx], T: [c.T] };
      expect(rel(bgNbdLogLikelihood(ref.bgnbdParams, one), c.ll)).toBeLessThan(1e-12);
      expect(rel(m.pAlive(c.x, c.tx, c.T), c.pAlive)).toBeLessThan(1e-12);
      for (const [t, v] of Object.entries(c.expected!)) expect(rel(m.conditionalExpected(Number(t), c.x, c.tx, c.T), v)).toBeLessThan(1e-10);
    }
    for (const [t, v] of Object.entries(ref.bgnbdUnconditional)) expect(rel(m.unconditionalExpected(Number(t)), v)).toBeLessThan(1e-10);
  });

  it('Pareto/NBD per-customer log-likelihood, P(alive), conditional and unconditional expectations', () => {
    const m = paretoNbdModel(ref.paretoParams, 0, 0);
    for (const c of ref.pareto) {
      expect(rel(paretoNbdLogLikelihood(ref.paretoParams, { x: [c.x], tx: [c.tx], T: [c.T] }), c.ll)).toBeLessThan(1e-10);
      expect(rel(m.pAlive(c.x, c.tx, c.T), c.pAlive)).toBeLessThan(1e-9);
      for (const [t, v] of Object.entries(c.expected!)) expect(rel(m.conditionalExpected(Number(t), c.x, c.tx, c.T), v), `x=${c.x} t=${t}`).toBeLessThan(1e-9);
    }
    for (const [t, v] of Object.entries(ref.paretoUnconditional)) expect(rel(m.unconditionalExpected(Number(t)), v)).toBeLessThan(1e-10);
  });

  it('Gamma-Gamma log-density and conditional mean', () => {
    const m = gammaGammaModel(ref.gammaGammaParams, 0, 0);
    for (const c of ref.gammaGamma) {
      expect(rel(gammaGammaLogLikelihood(ref.gammaGammaParams, { x: [c.x], zbar: [c.zbar] }), c.ll)).toBeLessThan(1e-12);
      expect(rel(m.expectedValue(c.x, c.zbar), c.expected)).toBeLessThan(1e-12);
    }
  });
});
