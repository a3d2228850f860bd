import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DueScheduler } from './due-scheduler.ts';

// Exact timing with vitest's fake timers (setTimeout and Date.now advance only when told), so the
// tick counts do not depend on how loaded the machine is. The real-time check of the same
// behaviour is due-scheduler.slow.test.ts.
describe('segment scheduler', () => {
  beforeEach(() => { vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) }); });
  afterEach(() => { vi.useRealTimers(); });

  /** A target whose due instants are a list; records when each tick found work and each nextDue call. */
  function target(initial: number[]) {
    const start = Date.now();
    const state = { due: [...initial], ticks: [] as number[], looks: [] as number[], fail: 0 };
    return {
      start, state,
      now: () => Date.now(),
      nextDue: async () => {
        state.looks.push(Date.now() - start);
        return state.due.length ? Math.min(...state.due) : null;
      },
      tick: async () => {
        if (state.fail > 0) { state.fail--; throw new Error('store down'); }
        const now = Date.now();
        const ready = state.due.filter((t) => t <= now);
        state.due = state.due.filter((t) => t > now);
        if (ready.length) state.ticks.push(now - start);
        return ready.length;
      },
    };
  }

  it('sleeps until the earliest due instant, works until nothing is due, and wakes early when told', async () => {
    const t = target([Date.now() + 150]);
    const s = new DueScheduler(t, (e) => { throw e; }, 5_000);
    s.start();
    await vi.advanceTimersByTimeAsync(149);
    expect(t.state.ticks).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.state.ticks).toEqual([150]);
    // A timer written for 50 ms from now wakes the scheduler then, not at its 5 s maximum sleep.
    t.state.due.push(Date.now() + 50);
    s.notify(Date.now() + 50);
    await vi.advanceTimersByTimeAsync(49);
    expect(t.state.ticks).toEqual([150]);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.state.ticks).toEqual([150, 200]);
    // A later instant does not postpone the wake-up already planned.
    s.notify(Date.now() + 60_000);
    await s.stop();
  });

  it('never sleeps longer than maxSleepMs, so work written by another process is picked up', async () => {
    // The earliest known work is a minute away, but the scheduler looks again after 5 s.
    const t = target([Date.now() + 60_000]);
    const s = new DueScheduler(t, (e) => { throw e; }, 5_000);
    s.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(t.state.looks).toEqual([0]);
    // Written elsewhere (no notify): found at the next 5 s wake-up, done at its instant.
    t.state.due.push(t.start + 7_000);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(t.state.looks).toEqual([0, 5_000]);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(t.state.ticks).toEqual([7_000]);
    await s.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(t.state.looks).toEqual([0, 5_000, 7_000]);
    expect(t.state.ticks).toEqual([7_000]);
  });

  it('reports a failed tick and retries a second later', async () => {
    const t = target([Date.now() + 10]);
    t.state.fail = 1;
    const errors: unknown[] = [];
    const s = new DueScheduler(t, (e) => errors.push(e), 5_000);
    s.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(errors).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(t.state.ticks).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.state.ticks).toEqual([1_000]);
    await s.stop();
  });
});
