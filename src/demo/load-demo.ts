import type { Tailor } from '../main.ts';

// Placeholder replaced by the demo generator.
export async function loadDemo(_t: Tailor, _opts: { customers: number; seed: number }): Promise<Record<string, number>> {
  return {};
}
