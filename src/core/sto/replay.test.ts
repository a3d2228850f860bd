import { describe, expect, it } from 'vitest';
import { ModelFit } from './model.ts';
import { replayHeldOut } from './replay.ts';

describe('replay on held-out opens (biased, for comparison)', () => {
  it('counts held-out events within ±1 h of each rule\'s hour, by hand', () => {
    const fit = new ModelFit('none');
    const at = (bin: number, n: number) => {
      const c = new Array<number>(48).fill(0);
      c[bin] = n;
      return c;
    };
    // Most history is at weekday 09:00, so the fixed (global) weekday hour is 9; one person reads at 20:00.
    for (let i = 0; i < 20; i++) fit.add({ group: 'none', counts: at(9, 10) });
    fit.add({ group: 'none', counts: at(20, 30) });
    const model = fit.finish(0);
    const r = replayHeldOut(model, [
      { group: 'none', train: at(20, 30), heldOut: [20, 21, 9] }, // Tailor: 20 → hits 20, 21; fixed 9 → hits 9
      { group: 'none', train: at(9, 10), heldOut: [8, 23] }, // both rules say 9: 8 hits for both, 23 for neither
      { group: 'none', train: at(9, 10), heldOut: [] }, // nothing held out: not counted
    ]);
    expect(r).toMatchObject({ profiles: 2, heldOutEvents: 5, biased: true });
    expect(r.fixedHours[0]).toBe(9);
    expect(r.tailorHitRate).toBeCloseTo(3 / 5, 12);
    expect(r.fixedHitRate).toBeCloseTo(2 / 5, 12);
    expect(r.lift).toBeCloseTo(0.5, 12);
  });
});
