import { describe, expect, it } from 'vitest';
import { parseDomainRates, Throttle } from './throttle.ts';

/**
 * A throttle on a fake clock. `take` resolves with the instant its caller may start: now plus
 * what it slept. With `advance`, sleeping moves the clock, as one caller awaiting each take sees;
 * without, the clock stands still, as for callers that all arrive at once.
 */
function recordingThrottle(advance: boolean, rate: number, domains: Map<string, number> = new Map()) {
  const clock = { now: 0, sleeps: 0 };
  let slept = 0;
  const th = new Throttle({
    now: () => clock.now,
    sleep: async (ms) => {
      clock.sleeps++;
      slept = ms;
      if (advance) clock.now += ms;
    },
  }, rate, domains);
  const take = async (email: string): Promise<number> => {
    const now = clock.now;
    slept = 0;
    // take() picks and reserves its slot synchronously, before its first await.
    const done = th.take(email);
    const start = now + slept;
    await done;
    return start;
  };
  return { clock, take };
}

describe('Throttle: the global rate', () => {
  it('spreads N sequential takes at rate R over (N-1)/R seconds, evenly', async () => {
    const { clock, take } = recordingThrottle(true, 10);
    clock.now = 5_000;
    const starts: number[] = [];
    for (let i = 0; i < 11; i++) starts.push(await take(`u${i}@example.com`));
    expect(starts[10]! - starts[0]!).toBe(1000); // (11 - 1) / 10 s
    expect(starts).toEqual(Array.from({ length: 11 }, (_, i) => 5_000 + i * 100));
    expect(clock.now).toBe(6_000);
  });

  it('never gives concurrent callers the same slot', async () => {
    const { clock, take } = recordingThrottle(false, 50);
    clock.now = 1_000;
    const starts = await Promise.all(Array.from({ length: 20 }, (_, i) => take(`u${i}@example.com`)));
    // The first starts at once, the other 19 one after another, 1/50 s apart.
    expect(starts).toEqual(Array.from({ length: 20 }, (_, i) => 1_000 + i * 20));
    expect(clock.sleeps).toBe(19);
  });

  it('does not burst to catch up after an idle spell', async () => {
    const { clock, take } = recordingThrottle(true, 10);
    expect(await take('a@example.com')).toBe(0);
    clock.now = 60_000;
    expect([await take('b@example.com'), await take('c@example.com'), await take('d@example.com')]).toEqual([60_000, 60_100, 60_200]);
  });

  it('never sleeps without a rate', async () => {
    const { clock, take } = recordingThrottle(true, 0, new Map([['gmail.com', 1]]));
    for (let i = 0; i < 5; i++) expect(await take(`u${i}@example.com`)).toBe(0);
    expect(clock.sleeps).toBe(0);
  });
});

describe('Throttle: per-domain rates', () => {
  it('spaces one domain at its own rate and leaves others alone', async () => {
    const { clock, take } = recordingThrottle(false, 0, new Map([['gmail.com', 2]]));
    expect(await take('a@gmail.com')).toBe(0);
    expect(await take('b@yahoo.com')).toBe(0);
    expect(await take('c@gmail.com')).toBe(500);
    expect(await take('d@gmail.com')).toBe(1000);
    expect(await take('e@yahoo.com')).toBe(0);
    expect(clock.sleeps).toBe(2);
  });

  it('matches the domain whatever its case', async () => {
    const { take } = recordingThrottle(false, 0, parseDomainRates('Gmail.com=2'));
    expect(await take('a@gmail.com')).toBe(0);
    expect(await take('b@GMAIL.COM')).toBe(500);
  });

  it('keeps the global rate across domains, and a slow domain does not hold the others back', async () => {
    // Global 10/s (100 ms apart), gmail 1/s. Concurrent callers at t = 0.
    const { take } = recordingThrottle(false, 10, new Map([['gmail.com', 1]]));
    const starts = await Promise.all(['a@gmail.com', 'b@gmail.com', 'c@yahoo.com', 'd@yahoo.com', 'e@gmail.com'].map((e) => take(e)));
    // gmail: 0, 1000, 2000 (its own rate); yahoo: the free global slots 100 and 200, not after the gmail waits.
    expect(starts).toEqual([0, 1000, 100, 200, 2000]);
    // Any two starts are at least 1/10 s apart.
    const sorted = [...starts].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThanOrEqual(100);
  });

  it('fits a later caller between slots that are already reserved only when there is room', async () => {
    // Global 10/s. gmail (1/s) holds 0 and 1000. Yahoo callers fill 100, 200, … and never land within 100 ms of 1000.
    const { take } = recordingThrottle(false, 10, new Map([['gmail.com', 1]]));
    const first = await Promise.all(['a@gmail.com', 'b@gmail.com'].map((e) => take(e)));
    const yahoo = await Promise.all(Array.from({ length: 11 }, (_, i) => take(`y${i}@yahoo.com`)));
    expect(first).toEqual([0, 1000]);
    expect(yahoo).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1100, 1200]);
  });

  it('does not squeeze a caller into a gap narrower than 1/rate', async () => {
    // Global 10/s; gmail (1/s) holds 0 and 1000. A yahoo caller at 905 would be 95 ms from 1000: it goes at 1100.
    const { clock, take } = recordingThrottle(false, 10, new Map([['gmail.com', 1]]));
    expect(await Promise.all(['a@gmail.com', 'b@gmail.com'].map((e) => take(e)))).toEqual([0, 1000]);
    clock.now = 905;
    expect(await take('c@yahoo.com')).toBe(1100);
    // At 850 there is room: 850 + 100 <= 1000, so 850 itself is free.
    clock.now = 850;
    expect(await take('d@yahoo.com')).toBe(850);
  });
});

describe('Throttle: a mixed run', () => {
  it('keeps every start 1/rate apart and every domain 1/domain-rate apart, with callers arriving at random', async () => {
    const { clock, take } = recordingThrottle(false, 40, new Map([['gmail.com', 10], ['yahoo.com', 4]]));
    let seed = 7;
    const rnd = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
    const domains = ['gmail.com', 'yahoo.com', 'example.com', 'example.org'];
    const starts: { domain: string; at: number }[] = [];
    const pending: Promise<number>[] = [];
    for (let i = 0; i < 300; i++) {
      clock.now += Math.floor(rnd() * 40);
      const domain = domains[Math.floor(rnd() * domains.length)]!;
      pending.push(take(`u${i}@${domain}`).then((at) => { starts.push({ domain, at }); return at; }));
    }
    await Promise.all(pending);
    const apart = (xs: number[], gap: number) => {
      const sorted = [...xs].sort((a, b) => a - b);
      for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThanOrEqual(gap - 1e-6);
    };
    apart(starts.map((s) => s.at), 25);
    apart(starts.filter((s) => s.domain === 'gmail.com').map((s) => s.at), 100);
    apart(starts.filter((s) => s.domain === 'yahoo.com').map((s) => s.at), 250);
  });
});

describe('parseDomainRates', () => {
  it('reads domain=rate pairs, lower-cases domains and skips bad parts', () => {
    expect(parseDomainRates('gmail.com=50, Yahoo.com = 20,bad,x.org=0,y.org=-1,z.org=abc,')).toEqual(new Map([['gmail.com', 50], ['yahoo.com', 20]]));
    expect(parseDomainRates('')).toEqual(new Map());
  });
});
