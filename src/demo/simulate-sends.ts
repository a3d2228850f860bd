import fs from 'node:fs';
import path from 'node:path';
import { CampaignSpecSchema } from '../core/schemas/campaign.ts';
import type { SendState } from '../core/campaigns/ports.ts';
import type { Tailor } from '../main.ts';
import { DEMO_BROADCAST } from './demo-campaigns.ts';
import type { DemoClock } from './demo-clock.ts';
import { demoCustomers } from './demo-messages.ts';
import { DAY, HOUR } from './local-time.ts';
import { DemoResponder, type InjectApp, type ResponderStats } from './responder/responder.ts';

/**
 * `tailor demo --send`: weeks of weekly broadcasts after the history, each sent when due and
 * answered by the demo's simulated customers (responder/), on a clock the simulation steps forward.
 * The history ends `weeks` weeks before `end`; each week a broadcast of the demo newsletter is
 * launched to the active customers; the clock moves in STEP increments, the send loop mails what is
 * due, and the responder makes each person's hits (opens, clicks, orders) at their instants. At the
 * end everything lies in the past (no hit after `end`), so reports, experiments and the send-time
 * evaluation read a consistent world.
 *
 * Send time: with `sendTime: 'optimize'` each broadcast asks Tailor to send each recipient at their
 * predicted best hour within 24 h (with `explore` of them at a random hour), when this build's
 * campaign schema has the option; otherwise (or with 'launch') everyone is mailed at launch.
 */
export interface SimulationOptions {
  seed: number;
  customers: number;
  /** The demo's history end (as loaded) and the start of the simulation. */
  from: number;
  weeks: number;
  /** The simulation's end: nothing happens after it. */
  end: number;
  /** As loaded: false for the control data set with no reading hours. */
  habits?: boolean | undefined;
  sendTime?: 'optimize' | 'launch' | undefined;
  /** Share of each optimised broadcast sent at a random hour (the send-time option's `explore`). */
  explore?: number | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
}

export interface SimulatedBroadcast {
  campaign: string;
  launchedAt: string;
  counts: Record<SendState, number>;
  reasons: { state: SendState; reason: string; count: number }[];
}

export interface SimulationResult {
  from: string;
  end: string;
  /** Whether the broadcasts asked for optimised send times (false: the option is off or not in this build). */
  optimized: boolean;
  broadcasts: SimulatedBroadcast[];
  /** What the simulated customers did; null when mail went over SMTP (the responder reads the outbox). */
  responses: ResponderStats | null;
}

/** The clock's step: sends are due on whole hours (optimised: the hours of the window) or at launch, both on the grid. */
const STEP = HOUR;
/** A broadcast's sends are due within its 24-hour window; an hour more for stragglers. */
const WINDOW = 25 * HOUR;
const MAX_TICKS = 100_000;

/**
 * Where the history of a `weeks`-week simulation ending at `end` stops: a Tuesday at 05:00 UTC, so
 * that each broadcast launches on a Tuesday at 06:00 UTC (as the history's campaigns mostly did),
 * and the last one's 24-hour window and the day of clicks after it end before `end`.
 */
export function simulationStart(end: number, weeks: number): number {
  const latest = end - (weeks - 1) * 7 * DAY - 2 * DAY - 6 * HOUR;
  // 1970-01-01 was a Thursday: days since the epoch ≡ 5 (mod 7) are Tuesdays.
  let day = Math.floor(latest / DAY);
  while (((day % 7) + 7) % 7 !== 5) day--;
  return day * DAY + 5 * HOUR;
}

/** The send-time option as the campaign schema of this build takes it, or null when it has none. */
export function sendTimeOption(explore: number): Record<string, unknown> | null {
  const option = { optimize: true, window: '24h', explore };
  const ok = CampaignSpecSchema.safeParse({ ...DEMO_BROADCAST, sendTime: option }).success;
  return ok ? option : null;
}

export async function simulateSends(t: Tailor, app: InjectApp, clock: DemoClock, o: SimulationOptions): Promise<SimulationResult> {
  const option = o.sendTime === 'launch' ? null : sendTimeOption(o.explore ?? 0.1);
  const outbox = t.config.smtpUrl ? null : path.resolve(t.config.outbox);
  const seen = new Set(outbox && fs.existsSync(outbox) ? fs.readdirSync(outbox) : []);
  const responder = outbox ? new DemoResponder({
    app, writeKey: (await t.keys()).writeKey, setClock: (at) => clock.set(at), seed: o.seed,
    customers: demoCustomers({ seed: o.seed, customers: o.customers, end: new Date(o.from), habits: o.habits }),
  }) : null;

  const delivered = async (now: number) => {
    if (!outbox || !responder || !fs.existsSync(outbox)) return;
    for (const f of fs.readdirSync(outbox)) {
      if (seen.has(f) || !f.endsWith('.eml')) continue;
      seen.add(f);
      await responder.deliver(fs.readFileSync(path.join(outbox, f)), now, f, o.end);
    }
  };
  const sendDue = async (now: number) => {
    clock.set(now);
    let sent = 0;
    for (let i = 0; ; i++) {
      const n = await t.campaigns.work.tick();
      if (n === 0) break;
      sent += n;
      if (i >= MAX_TICKS) throw new Error('the send loop did not settle');
    }
    if (sent) await delivered(now);
  };

  const launches: { name: string; at: number }[] = [];
  const firstLaunch = Math.ceil((o.from + HOUR) / HOUR) * HOUR;
  for (let w = 0; w < o.weeks; w++) {
    const at = firstLaunch + w * 7 * DAY;
    if (at >= o.end) break;
    // The last week is the demo's own "Spring sale" broadcast; the earlier ones are weekly issues of the same newsletter.
    launches.push({ name: w === o.weeks - 1 ? DEMO_BROADCAST.name : `Weekly picks ${new Date(at).toISOString().slice(0, 10)}`, at });
  }

  const broadcasts: SimulatedBroadcast[] = [];
  // The send loop runs only while a broadcast's window is open: an idle round still costs a few
  // milliseconds of queries, and a month has thousands of steps.
  const sending = (at: number) => launches.some((l) => at >= l.at && at <= l.at + WINDOW);
  let next = 0;
  const start = Math.ceil(o.from / STEP) * STEP;
  for (let now = start; now <= o.end; now += STEP) {
    await responder?.runUntil(now);
    while (next < launches.length && launches[next]!.at <= now) {
      const l = launches[next++]!;
      clock.set(l.at);
      const c = await launch(t, l.name, option);
      broadcasts.push({ campaign: c.name, launchedAt: new Date(l.at).toISOString(), counts: await t.campaigns.campaigns.counts(c), reasons: [] });
    }
    if (sending(now)) await sendDue(now);
    o.onProgress?.(Math.round((now - start) / HOUR), Math.round((o.end - start) / HOUR));
  }
  await responder?.runUntil(o.end);
  await t.realtime.drain();
  for (const b of broadcasts) {
    const c = await t.campaigns.campaigns.get(b.campaign);
    b.counts = await t.campaigns.campaigns.counts(c);
    b.reasons = await t.campaigns.campaigns.reasons(c);
  }
  return {
    from: new Date(o.from).toISOString(), end: new Date(o.end).toISOString(), optimized: option !== null,
    broadcasts, responses: responder ? responder.stats : null,
  };
}

/** Creates (or, for the demo's own draft, updates) a week's broadcast with the send-time option, and launches it. */
async function launch(t: Tailor, name: string, sendTime: Record<string, unknown> | null) {
  const all = await t.campaigns.campaigns.list();
  const existing = all.find((c) => c.name === name);
  if (!existing) {
    await t.campaigns.campaigns.create({
      ...DEMO_BROADCAST, name, description: 'a weekly issue of the demo newsletter, sent by `tailor demo --send`',
      ...(sendTime ? { sendTime } : {}),
    });
  } else if (sendTime && existing.status === 'draft') {
    await t.campaigns.campaigns.update(name, { sendTime });
  }
  const c = await t.campaigns.campaigns.get(name);
  return c.status === 'draft' ? t.campaigns.campaigns.launch(c.id) : c;
}
