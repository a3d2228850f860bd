import { afterEach, describe, expect, it } from 'vitest';
import { DAY_MS, hourOfWeek } from '../../src/core/features/catalog.ts';
import { dialects } from '../helpers/databases.ts';
import { msg, openTailor, type TestTailor } from '../helpers/tailor.ts';
import { expectSameRows, foldedRows, sqlRows, storedRows } from '../features/feature-helpers.ts';

// Engagement features count people, not machines: machine opens and bot clicks stay on the profile
// but not in opens_30d, clicks_30d, last_open_at or the hour histogram; `Email Link Clicked` counts
// as a click beside the legacy `Email Clicked`. The incremental fold (ingest), the fold from all
// events and the SQL recompute agree.

const now = Date.parse('2026-06-10T12:00:00Z');
const iso = (t: number) => new Date(t).toISOString();

for (const d of dialects) {
  describe(`human engagement features (${d.name})`, () => {
    let t: TestTailor | undefined;
    afterEach(async () => {
      await t?.close();
      t = undefined;
    });

    it('leaves machine opens and bot clicks out, on every path', async () => {
      t = await openTailor(await d.url(), () => now);
      const ev = (event: string, at: number, properties: Record<string, unknown> = {}) =>
        msg({ type: 'track', userId: 'u1', event, timestamp: iso(at), properties }, now);
      const humanOpen = now - 2 * DAY_MS;
      const humanClick = now - 3 * DAY_MS;
      const legacyClick = now - 4 * DAY_MS;
      await t.ingest([msg({ type: 'identify', userId: 'u1', traits: { email: 'u1@mail.test' } }, now)]);
      // Two batches, so the second extends the stored row incrementally.
      await t.ingest([ev('Email Opened', humanOpen), ev('Email Opened', now - DAY_MS, { machine_open: true })]);
      await t.ingest([
        ev('Email Link Clicked', humanClick, { email_id: 'm1' }),
        ev('Email Link Clicked', now - 3_600_000, { bot: true }),
        ev('Email Clicked', legacyClick),
        // Not a flag: only `true` marks a machine (isMachineHit).
        ev('Email Opened', now - 5 * DAY_MS, { machine_open: 'yes' }),
      ]);
      const stored = await storedRows(t.db);
      const row = [...stored.values()][0]!;
      expect(row.opens30d).toBe(2);
      expect(row.clicks30d).toBe(2);
      expect(row.lastOpenAt).toBe(humanOpen);
      expect(row.lastClickAt).toBe(humanClick);
      expect(row.hourHistogram.reduce((a, b) => a + b, 0)).toBe(4);
      expect(row.hourHistogram[hourOfWeek(humanClick)]).toBeGreaterThanOrEqual(1);
      expectSameRows(stored, await sqlRows(t.db, now));
      expectSameRows(stored, await foldedRows(t.db, now));
    });
  });
}
