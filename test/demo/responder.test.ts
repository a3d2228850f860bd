import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { rngFor } from '../../src/core/prng.ts';
import { DemoClock } from '../../src/demo/demo-clock.ts';
import { DEFAULT_DEMO_END, demoCustomers, demoDataSet } from '../../src/demo/demo-messages.ts';
import { localToUtc } from '../../src/demo/local-time.ts';
import { trackingPaths } from '../../src/demo/responder/delivered-message.ts';
import { openTime, type ReadingHabits } from '../../src/demo/responder/reading-habits.ts';
import { setUpDemo } from '../../src/demo/set-up-demo.ts';
import { simulateSends, type SimulationResult } from '../../src/demo/simulate-sends.ts';
import { createServer } from '../../src/http.ts';
import { tempDir, tempSqlite } from '../helpers/databases.ts';
import { createTestTailor, type TestTailor } from '../helpers/tailor.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('reading habits (responder, pure)', () => {
  const habits: ReadingHabits = { weekdayHour: 19, weekendHour: 10, regularity: 0.85, spreadHours: 1.5, glanceRate: 0.1, appleMpp: false };
  const tz = 'Europe/Paris';
  // Wednesday 2026-10-14, local dates in Paris (UTC+2).
  const wednesday = Date.UTC(2026, 9, 14);

  const openedWithinADay = (localHour: number, n = 4000): number => {
    const at = localToUtc(tz, wednesday, localHour * 60);
    let opened = 0;
    for (let i = 0; i < n; i++) {
      const o = openTime(rngFor(1, 'test', localHour, i), habits, tz, at, 0.6);
      if (o !== undefined && o - at < DAY) opened++;
    }
    return opened / n;
  };

  it('reads a message delivered just before the daily check far more often within 24 h than one delivered just after it', () => {
    const before = openedWithinADay(18);
    const after = openedWithinADay(20);
    expect(before).toBeGreaterThan(0.4);
    expect(before).toBeGreaterThan(2 * after);
  });

  it('checks at the weekend hour on Saturdays', () => {
    const friday = localToUtc(tz, wednesday + 2 * DAY, 23 * 60);
    const hours = new Map<number, number>();
    for (let i = 0; i < 2000; i++) {
      const o = openTime(rngFor(2, 'test', i), habits, tz, friday, 0.9);
      if (o === undefined || o > friday + DAY) continue;
      const h = Number(new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: 'numeric', hourCycle: 'h23' }).format(o));
      hours.set(h, (hours.get(h) ?? 0) + 1);
    }
    const top = [...hours.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    expect(top).toBe(10);
  });
});

describe('planted habits in the history', () => {
  const share = (habits: boolean) => {
    let weekday = 0, weekdayAtHour = 0, weekend = 0, weekendAtHour = 0;
    for (const { customer: c, messages } of demoDataSet({ customers: 300, seed: 5, end: DEFAULT_DEMO_END, habits }).customers()) {
      const parts = new Intl.DateTimeFormat('en-GB', { timeZone: c.timezone, hour: 'numeric', hourCycle: 'h23', weekday: 'short' });
      for (const m of messages) {
        if (m.event !== 'Email Opened') continue;
        const p = Object.fromEntries(parts.formatToParts(Number(m.timestamp)).map((x) => [x.type, x.value]));
        const hour = Number(p.hour);
        if (p.weekday === 'Sat' || p.weekday === 'Sun') {
          // Only customers whose weekend hour differs from their weekday hour tell the two apart.
          if (c.habits.weekendHour === c.preferredHour) continue;
          weekend++;
          if (hour === c.habits.weekendHour) weekendAtHour++;
        } else {
          weekday++;
          if (hour === c.preferredHour) weekdayAtHour++;
        }
      }
      if (habits) expect(messages.find((m) => m.type === 'identify')!.traits).toMatchObject({ demo_weekend_hour: c.habits.weekendHour, demo_preferred_hour: c.preferredHour });
    }
    return { weekday: weekdayAtHour / weekday, weekend: weekendAtHour / Math.max(1, weekend), weekendOpens: weekend };
  };

  it('opens at the weekday hour on weekdays and at the weekend hour at weekends', () => {
    const s = share(true);
    expect(s.weekday).toBeGreaterThan(0.6);
    expect(s.weekendOpens).toBeGreaterThan(100);
    expect(s.weekend).toBeGreaterThan(0.5);
  });

  it('has no habitual hour in the control data set (habits: false)', () => {
    const s = share(false);
    expect(s.weekday).toBeLessThan(0.15);
  });

  it('leaves everything but the reading hours unchanged in the control data set', () => {
    const a = [...demoCustomers({ customers: 50, seed: 5 })];
    const b = [...demoCustomers({ customers: 50, seed: 5, habits: false })];
    expect(b.map(({ habits: _, ...c }) => c)).toEqual(a.map(({ habits: _, ...c }) => c));
  });
});

describe('the delivered message as a person sees it', () => {
  it('finds the pixel and the visible tracked links, and skips the hidden decoy', () => {
    const html = `<body><a href="https://t.example/t/c/DECOY.sig" style="display:none !important" aria-hidden="true" tabindex="-1"></a>
      <a href="https://t.example/t/c/AAA.sig">one</a><a href="https://t.example/t/c/AAA.sig">again</a><a href='https://t.example/t/c/BBB.sig?x=1&amp;y=2'>two</a>
      <a href="https://t.example/u/UNSUB">unsubscribe</a><img src="https://t.example/t/o/PIX.sig" width="1" height="1" /></body>`;
    expect(trackingPaths(html)).toEqual({ pixel: '/t/o/PIX.sig', links: ['/t/c/AAA.sig', '/t/c/BBB.sig?x=1&y=2'] });
  });
});

describe('tailor demo --send: a week simulated and answered through the public endpoints', () => {
  const CUSTOMERS = 200;
  const SEED = 3;
  const end = DEFAULT_DEMO_END.getTime();
  const from = end - 7 * DAY;
  let t: TestTailor;
  let sim: SimulationResult;

  beforeAll(async () => {
    const clock = new DemoClock();
    clock.set(from);
    t = await createTestTailor(loadConfig({}, { db: tempSqlite(), outbox: tempDir('tailor-responder-'), rateLimitPublic: 0 }), { clock });
    await setUpDemo(t, { customers: CUSTOMERS, seed: SEED, end: new Date(from) });
    const app = createServer(t, await t.keys());
    sim = await simulateSends(t, app, clock, { seed: SEED, customers: CUSTOMERS, from, end, weeks: 1, sendTime: 'launch' });
    await app.close();
    clock.release();
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('sends the week\'s broadcast and has the customers respond, with machine opens from the Apple MPP users', () => {
    expect(sim.broadcasts).toHaveLength(1);
    const r = sim.responses!;
    expect(r.delivered).toBe(sim.broadcasts[0]!.counts.sent);
    expect(r.delivered).toBeGreaterThan(100);
    expect(r.untracked).toBe(0);
    expect(r.refused).toBe(0);
    expect(r.machineOpens / r.delivered).toBeGreaterThan(0.25);
    expect(r.machineOpens / r.delivered).toBeLessThan(0.55);
    expect(r.humanOpens).toBeGreaterThan(5);
    expect(r.clicks).toBeGreaterThan(0);
  });

  it('lands the hits on the recipients\' profiles at their simulated instants, flagged as the server judged them', async () => {
    let human = 0, machine = 0, clicks = 0;
    const customers = [...demoCustomers({ customers: CUSTOMERS, seed: SEED, end: new Date(from) })];
    for (const c of customers) {
      const id = await t.profiles.resolve({ id: c.userId });
      const doc = await t.profiles.get(id!, 300);
      for (const e of doc!.lastEvents) {
        const at = Date.parse(e.timestamp);
        if (at < from) continue;
        expect(at, e.name ?? '').toBeLessThanOrEqual(end);
        const p = e.properties as Record<string, unknown>;
        if (e.name === 'Email Opened') {
          if (p.machine_open === true) {
            machine++;
            // Only Apple Mail users' proxies fetch at delivery, from Apple's network.
            expect(c.habits.appleMpp).toBe(true);
          } else {
            human++;
            expect(c.habits.appleMpp).toBe(false);
          }
        }
        if (e.name === 'Email Link Clicked' && p.bot !== true) clicks++;
      }
    }
    expect(machine).toBe(sim.responses!.machineOpens);
    expect(human).toBe(sim.responses!.humanOpens);
    expect(clicks).toBe(sim.responses!.clicks);
  });

  it('reads every message at the daily check or a glance: most human opens at the customer\'s habitual hour', async () => {
    const customers = [...demoCustomers({ customers: CUSTOMERS, seed: SEED, end: new Date(from) })];
    let opens = 0, atHabit = 0;
    for (const c of customers) {
      const doc = await t.profiles.get((await t.profiles.resolve({ id: c.userId }))!, 300);
      const parts = new Intl.DateTimeFormat('en-GB', { timeZone: c.timezone, hour: 'numeric', hourCycle: 'h23', weekday: 'short' });
      for (const e of doc!.lastEvents) {
        if (e.name !== 'Email Opened' || Date.parse(e.timestamp) < from || (e.properties as { machine_open?: boolean }).machine_open) continue;
        const p = Object.fromEntries(parts.formatToParts(Date.parse(e.timestamp)).map((x) => [x.type, x.value]));
        const habit = p.weekday === 'Sat' || p.weekday === 'Sun' ? c.habits.weekendHour : c.habits.weekdayHour;
        opens++;
        if (Math.abs(Number(p.hour) - habit) <= 1) atHabit++;
      }
    }
    expect(opens).toBeGreaterThan(5);
    expect(atHabit / opens).toBeGreaterThan(0.6);
  });
});
