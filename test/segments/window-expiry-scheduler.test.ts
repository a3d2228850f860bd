import { afterEach, describe, expect, it, vi } from 'vitest';
import { dialects } from '../helpers/databases.ts';
import { msg, openTailor, type TestTailor } from '../helpers/tailor.ts';

const T0 = Date.UTC(2026, 5, 1, 12);

// A profile leaves a windowed segment when the window passes with no event: the segment scheduler
// does it (no poll, no call), at the instant the window ends. On an injected clock and fake
// setTimeout, so the minute is not waited out; the real-time run through `tailor serve` is
// test/cli/serve-segments.slow.test.ts.
describe.each(dialects)('segment scheduler on an injected clock ($name)', ({ url }) => {
  let t: TestTailor | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    await t?.close();
  });

  it('enters on an event, and leaves when the window passes with no event', async () => {
    let now = T0;
    t = await openTailor(await url(), () => now);
    const seg = await t.segments.create({ name: 'fresh carts', rules: { event: 'Product Added', within: '1m', notFollowedBy: { event: 'Order Completed', within: '1m' } } });
    const members = async () => (await t!.segmentQueries.members(seg.segment.id, { limit: 10 })).members.map((m) => m.userId);
    await t.ingest([msg({ type: 'track', userId: 'kim', event: 'Product Added', timestamp: new Date(now).toISOString() }, now)]);
    await t.realtime.drain();
    expect(await members()).toEqual(['kim']);

    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    t.scheduler.start();
    await vi.advanceTimersByTimeAsync(0);
    // A second before the window ends: still a member.
    now = T0 + 59_000;
    await vi.advanceTimersByTimeAsync(59_000);
    await vi.waitFor(async () => expect(await members()).toEqual(['kim']));
    // The window has passed: the scheduler's timer takes kim out, with no event and no call.
    now = T0 + 60_001;
    await vi.advanceTimersByTimeAsync(1_001);
    await vi.waitFor(async () => expect(await members()).toEqual([]), { timeout: 10_000 });
    await t.scheduler.stop();
  });
});
