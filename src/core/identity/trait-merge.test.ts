import { describe, expect, it } from 'vitest';
import { applyTraits, mergeTraits, type TraitStamps } from './trait-merge.ts';

describe('trait merge policy', () => {
  it('keeps the value with the latest (timestamp, messageId), whatever the order of writes', () => {
    const writes: [Record<string, unknown>, readonly [number, string]][] = [
      [{ a: 1, b: 'x' }, [10, 'm1']], [{ a: 2 }, [20, 'm2']], [{ a: 3 }, [20, 'm0']], [{ b: null }, [15, 'm3']], [{ c: true }, [5, 'm4']],
    ];
    const results = [writes, [...writes].reverse(), [writes[2]!, writes[0]!, writes[4]!, writes[1]!, writes[3]!]].map((order) => {
      const traits: Record<string, unknown> = {};
      const stamps: TraitStamps = {};
      for (const [w, s] of order) applyTraits(traits, stamps, w, s);
      return traits;
    });
    expect(results[0]).toEqual({ a: 2, c: true });
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  it('reports changes with old and new values and ignores no-op writes', () => {
    const traits: Record<string, unknown> = { a: 1 };
    const stamps: TraitStamps = { a: [1, 'x'] };
    expect(applyTraits(traits, stamps, { a: 1, b: { n: 1 } }, [2, 'y'])).toEqual([{ field: 'b', oldValue: null, newValue: { n: 1 } }]);
    expect(applyTraits(traits, stamps, { a: null }, [3, 'z'])).toEqual([{ field: 'a', oldValue: 1, newValue: null }]);
  });

  it('merges two profiles field by field, tombstones included', () => {
    const into = { traits: { a: 'old', b: 'keep' } as Record<string, unknown>, stamps: { a: [1, 'm'], b: [9, 'm'] } as TraitStamps };
    const from = { traits: { a: 'new', c: 'add' } as Record<string, unknown>, stamps: { a: [2, 'm'], c: [1, 'm'], b: [10, 'n'] } as TraitStamps };
    mergeTraits(into, from);
    expect(into.traits).toEqual({ a: 'new', c: 'add' });
  });
});
