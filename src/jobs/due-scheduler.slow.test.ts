import { describe, expect, it } from 'vitest';
import { DueScheduler } from './due-scheduler.ts';

// The slow tier's real-time end-to-end check (real setTimeout and Date.now, 100–200 ms sleeps,
// so it depends on a machine that is not overloaded); due-scheduler.test.ts checks the same
// behaviour exactly with vitest's fake timers.
describe('segment scheduler (real time)', () => {
  it('sleeps until the earliest due instant, works until nothing is due, and wakes early when told', async () => {
    const start = Date.now();
    let due: number[] = [start + 150];
    const ticks: number[] = [];
    const target = {
      now: () => Date.now(),
      nextDue: async () => (due.length ? Math.min(...due) : null),
      tick: async () => {
        const now = Date.now();
        const ready = due.filter((t) => t <= now);
        due = due.filter((t) => t > now);
        if (ready.length) ticks.push(now - start);
        return ready.length;
      },
    };
    const s = new DueScheduler(target, (e) => { throw e; }, 5_000);
    s.start();
    await new Promise((r) => setTimeout(r, 100));
    expect(ticks).toEqual([]);
    await new Promise((r) => setTimeout(r, 150));
    expect(ticks).toHaveLength(1);
    expect(ticks[0]).toBeGreaterThanOrEqual(150);
    // A timer written for 50 ms from now wakes the scheduler then, not at its 5 s maximum sleep.
    due.push(Date.now() + 50);
    s.notify(Date.now() + 50);
    await new Promise((r) => setTimeout(r, 200));
    expect(ticks).toHaveLength(2);
    await s.stop();
  });
});
