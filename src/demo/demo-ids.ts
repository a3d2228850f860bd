import { rngFor } from '../core/prng.ts';

/**
 * Record ids for the demo's simulated weeks, drawn from its seed instead of at random: campaign ids
 * seed each broadcast's send-time exploration, so with random ids two runs of the same seed
 * explored different recipients and evaluated differently. Shaped like version-4 UUIDs.
 */
export function demoIds(seed: number): () => string {
  const rng = rngFor(seed, 'demo-ids');
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rng.next() * 16).toString(16)).join('');
  return () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(rng.next() * 4)]}${hex(3)}-${hex(12)}`;
}
