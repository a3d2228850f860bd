import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Tailor } from '../../src/main.ts';
import { dialects } from '../helpers/databases.ts';
import { msg, openTailor } from '../helpers/tailor.ts';

// What the real-time segment engine learns from a batch: which live profiles changed, and how.
describe.each(dialects)('IngestResult.touched on $name', ({ url }) => {
  let t: Tailor;
  beforeEach(async () => {
    t = await openTailor(await url());
  });
  afterEach(async () => t.close());

  it('names the top-level traits that changed and the events stored; flags created profiles', async () => {
    const first = await t.ingest([msg({ type: 'identify', userId: 'u', traits: { name: 'Ann', address: { city: 'Oslo' } } })]);
    const id = (await t.profiles.resolve({ userId: 'u' }))!;
    expect(first.touched).toEqual([{ profileId: id, traits: ['name', 'address'], events: [], consents: [], merged: false, created: true }]);
    expect(first.mergedAway).toEqual([]);
    const second = await t.ingest([
      msg({ type: 'identify', userId: 'u', traits: { name: 'Ann', plan: 'pro' } }),
      msg({ type: 'page', userId: 'u', name: 'Home' }),
      msg({ type: 'track', userId: 'u', event: 'Viewed' }),
      msg({ type: 'track', userId: 'u', event: 'Viewed' }),
      msg({ type: 'group', userId: 'u', groupId: 'g1' }),
      msg({ type: 'screen', userId: 'u' }),
    ]);
    expect(second.touched).toEqual([{ profileId: id, traits: ['plan'], events: ['Home', 'Viewed'], consents: [], merged: false, created: false }]);
  });

  it('a batch of duplicates touches nobody', async () => {
    const m = msg({ type: 'track', userId: 'u', event: 'Viewed' });
    await t.ingest([m]);
    expect(await t.ingest([m])).toMatchObject({ touched: [], mergedAway: [] });
  });
});
