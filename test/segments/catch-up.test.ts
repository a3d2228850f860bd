import { describe, expect, it, vi } from 'vitest';
import { dialects } from '../helpers/databases.ts';
import { msg, openTailor } from '../helpers/tailor.ts';

const H = 3_600_000;

for (const d of dialects) {
  describe(`catching up after a crash (${d.name})`, () => {
    it('re-evaluates the profiles whose changes were still queued when the process died', async () => {
      const url = await d.url();
      let now = Date.UTC(2026, 5, 1);
      const clock = () => now;
      const first = await openTailor(url, clock);
      await first.segments.create({ name: 'gold', rules: { trait: 'tier', op: 'eq', value: 'gold' } });
      await first.ingest([msg({ type: 'identify', userId: 'a', traits: { tier: 'gold' } }, now)]);
      await first.close();

      // A process that commits an ingest and dies before its queue runs: the data is stored, the
      // membership change is not.
      now += H;
      const lost: unknown[] = [];
      const crashing = await openTailor(url, clock, (e) => lost.push(e));
      // As `tailor serve` does at start; the previous close was clean, so there is nothing to do.
      expect(await crashing.catchUp()).toBe(0);
      await crashing.ingest([
        msg({ type: 'identify', userId: 'a', traits: { tier: 'silver' } }, now),
        msg({ type: 'identify', userId: 'b', traits: { tier: 'gold' } }, now),
      ]);
      await crashing.db.close();
      // The queued re-evaluation fails in the background once the store is gone: wait for that
      // failure itself, not for a fixed 50 ms of wall time that a loaded machine may not honour.
      await vi.waitFor(() => expect(lost.length).toBeGreaterThan(0), { timeout: 10_000, interval: 10 });

      now += H;
      const next = await openTailor(url, clock);
      try {
        const seg = await next.segments.get('gold');
        const members = async () => (await next.segmentQueries.members(seg.id, { limit: 10 })).members.map((m) => m.userId);
        expect(await members()).toEqual(['a']);
        expect(await next.catchUp()).toBe(2);
        expect(await members()).toEqual(['b']);
        // Caught up: a clean restart has nothing left to do.
        expect(await next.catchUp()).toBe(0);
      } finally {
        await next.close();
      }
    });
  });
}
