import fs from 'node:fs';
import path from 'node:path';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { cartAbandonmentRecipe, DEMO_BROADCAST, sendDemoBroadcast } from '../../src/demo/demo-campaigns.ts';
import { demoConsentOf, demoSuppressions, type DemoConsent } from '../../src/demo/demo-consent.ts';
import { DEFAULT_DEMO_END, demoDataSet } from '../../src/demo/demo-messages.ts';
import { emlFileName } from '../../src/delivery/outbox-mailer.ts';
import { setUpDemo } from '../../src/demo/set-up-demo.ts';
import { tempDir, tempSqlite } from '../helpers/databases.ts';
import { createTestTailor, msg, type TestTailor } from '../helpers/tailor.ts';

const SEED = 1;
const CUSTOMERS = 150;
const END = DEFAULT_DEMO_END.getTime();
const HOUR = 3_600_000;
const consentOf = (context: unknown) => (context as { consent?: { categoryPreferences?: { email_marketing?: boolean } } } | undefined)?.consent?.categoryPreferences?.email_marketing;

describe('demo consent (generator)', () => {
  const customers = [...demoDataSet({ customers: 2000, seed: SEED, end: DEFAULT_DEMO_END }).customers()];

  it('opts most customers in on their first identify, and leaves some never asked or declined', () => {
    const first = customers.map(({ messages }) => consentOf(messages.find((m) => m.type === 'identify')!.context));
    const share = (v: boolean | undefined) => first.filter((x) => x === v).length / first.length;
    expect(share(true)).toBeGreaterThan(0.85);
    expect(share(true)).toBeLessThan(0.95);
    expect(share(false)).toBeGreaterThan(0.02);
    expect(share(undefined)).toBeGreaterThan(0.03);
  });

  it('has some customers unsubscribe later, with the withdrawal in the event and no opens after it', () => {
    let unsubscribed = 0;
    for (const { customer, messages } of customers) {
      const i = messages.findIndex((m) => m.event === 'Unsubscribed');
      expect(i >= 0, customer.userId).toBe(demoConsentOf(SEED, customer.index) === 'unsubscribed');
      if (i < 0) continue;
      unsubscribed++;
      expect(consentOf(messages[i]!.context)).toBe(false);
      expect(consentOf(messages.find((m) => m.type === 'identify')!.context)).toBe(true);
      expect(messages.slice(i + 1).some((m) => m.event === 'Email Opened' || m.event === 'Email Clicked')).toBe(false);
      // Still in time order, so message ids follow the history.
      expect(messages.every((m, k) => k === 0 || Number(m.timestamp) >= Number(messages[k - 1]!.timestamp))).toBe(true);
    }
    expect(unsubscribed).toBeGreaterThan(50);
  });

  it('plants suppressions for the bounced and complaining customers only, by their address', () => {
    const planted = demoSuppressions({ seed: SEED, customers: 2000, end: END });
    const byReason = (r: DemoConsent) => planted.filter((s) => s.reason === r).length;
    expect(byReason('hard_bounce')).toBeGreaterThan(20);
    expect(byReason('complaint')).toBeGreaterThanOrEqual(1);
    expect(byReason('complaint')).toBeLessThanOrEqual(6);
    const email = new Map(customers.map(({ customer }) => [customer.email, customer.index]));
    for (const s of planted) expect(demoConsentOf(SEED, email.get(s.value)!)).toBe(s.reason);
  });

  it('gives every customer a time zone, across several regions', () => {
    const zones = new Set(customers.map(({ customer }) => customer.timezone));
    expect([...zones].some((z) => z.startsWith('Europe/'))).toBe(true);
    expect([...zones].some((z) => z.startsWith('America/'))).toBe(true);
    expect([...zones].some((z) => z.startsWith('Australia/'))).toBe(true);
  });
});

describe('demo campaigns (a small demo, sent to the outbox)', () => {
  let t: TestTailor;
  let outbox: string;
  let now = END + HOUR;
  const people = [...demoDataSet({ customers: CUSTOMERS, seed: SEED, end: DEFAULT_DEMO_END }).customers()].map((c) => c.customer);

  beforeAll(async () => {
    outbox = tempDir('tailor-demo-outbox-');
    t = await createTestTailor(loadConfig({}, { db: tempSqlite(), outbox }), { clock: { now: () => now } });
    await setUpDemo(t, { customers: CUSTOMERS, seed: SEED, end: DEFAULT_DEMO_END });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('creates the broadcast and the recipe as drafts, and a second set-up changes nothing', async () => {
    const drafts = async () => (await t.campaigns.campaigns.list()).map((c) => [c.name, c.kind, c.status]).sort();
    expect(await drafts()).toEqual([['Cart abandonment', 'triggered', 'draft'], ['Spring sale', 'broadcast', 'draft']]);
    const again = await setUpDemo(t, { customers: CUSTOMERS, seed: SEED, end: DEFAULT_DEMO_END });
    expect(again.campaigns).toEqual([]);
    expect(again.stored).toBe(0);
    expect(await drafts()).toEqual([['Cart abandonment', 'triggered', 'draft'], ['Spring sale', 'broadcast', 'draft']]);
  }, 60_000);

  it('sends the broadcast to the opted-in, with a reason for everyone else', async () => {
    const r = await sendDemoBroadcast(t);
    expect(r.launched).toBe(true);
    expect(r.counts.sent).toBeGreaterThan(50);
    expect(r.counts.suppressed).toBeGreaterThan(0);
    expect(r.counts).toMatchObject({ queued: 0, rendering: 0, sending: 0, failed: 0 });
    const reasons = new Set(r.reasons.map((x) => x.reason));
    expect(reasons.has('no_consent') || reasons.has('unsubscribed')).toBe(true);
    expect(reasons.has('suppressed_address')).toBe(true);
    expect((await t.campaigns.campaigns.get(DEMO_BROADCAST.name)).status).toBe('sent');

    const files = fs.readdirSync(outbox).filter((f) => f.endsWith('.eml'));
    expect(files.length).toBe(r.counts.sent);
    const byEmail = new Map(people.map((p) => [p.email, p]));
    for (const f of files) {
      const raw = fs.readFileSync(path.join(outbox, f));
      const m = await PostalMime.parse(raw);
      const header = (name: string) => m.headers.find((h) => h.key === name)?.value;
      expect(header('list-unsubscribe')).toMatch(/<https?:\/\/[^>]+\/u\/[^>]+>/);
      expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      const to = m.to![0]!.address!;
      const who = byEmail.get(to)!;
      // Only customers who opted in, stayed in and whose address works are mailed.
      expect(demoConsentOf(SEED, who.index), to).toBe('opted_in');
      expect(m.html).toContain(`Hello ${who.firstName}`);
      expect(m.subject).toContain(who.firstName);
    }
  }, 60_000);

  it('runs the cart-abandonment recipe: a reminder listing the cart after 1 h, nothing for someone who ordered', async () => {
    await t.campaigns.campaigns.launch(cartAbandonmentRecipe().name);
    const optedIn = people.filter((p) => demoConsentOf(SEED, p.index) === 'opted_in');
    const [shopper, buyer] = [optedIn[0]!, optedIn[1]!];
    const added = (userId: string, n: number, at: number) => msg({
      type: 'track', userId, event: 'Product Added', timestamp: new Date(at).toISOString(),
      properties: {
        product_id: `P-${n}`, name: `Linen <shirt> ${n}`, price: 49.9, currency: 'EUR', quantity: 1,
        url: `https://shop.example.com/products/p-${n}`, image_url: `https://shop.example.com/images/p-${n}.jpg`,
      },
    }, at);
    const t0 = now + 60_000;
    await t.ingest([
      added(shopper.userId, 1, t0), added(shopper.userId, 2, t0 + 60_000),
      added(buyer.userId, 3, t0),
      msg({ type: 'track', userId: buyer.userId, event: 'Order Completed', timestamp: new Date(t0 + 30 * 60_000).toISOString(),
        properties: { order_id: 'ORD-T-1', total: 49.9, revenue: 49.9, currency: 'EUR' } }, t0 + 30 * 60_000),
    ]);
    now = t0 + HOUR + 10_000;
    for (let i = 0; i < 100 && (await t.campaigns.work.tick()) > 0; i++);

    const c = await t.campaigns.campaigns.get('Cart abandonment');
    const shopperId = (await t.profiles.resolve({ id: shopper.userId }))!;
    const buyerId = (await t.profiles.resolve({ id: buyer.userId }))!;
    const rows = await t.campaigns.campaigns.sendsOf(c, shopperId);
    // The reminder went; the offer waits for 24 h after the trigger. The second add started no new sequence (re-entry after a day).
    expect(rows.map((r) => [r.step, r.state])).toEqual([[0, 'sent'], [1, 'queued']]);
    expect(rows[1]!.dueAt).toBe(t0 + 24 * HOUR);
    const mine = await t.campaigns.campaigns.sendsOf(c, buyerId);
    expect(mine.filter((r) => r.step === 0).map((r) => [r.state, r.reason])).toEqual([['suppressed', 'exit_condition']]);

    const m = await PostalMime.parse(fs.readFileSync(path.join(outbox, emlFileName(rows[0]!.messageId))));
    expect(m.to![0]!.address).toBe(shopper.email);
    expect(m.subject).toBe(`${shopper.firstName}, you left 2 items in your cart`);
    // Both items of the cart, oldest first, escaped, with their links and images.
    const html = m.html!;
    expect(html).toContain('Linen &lt;shirt&gt; 1');
    expect(html).toContain('Linen &lt;shirt&gt; 2');
    expect(html.indexOf('Linen &lt;shirt&gt; 1')).toBeLessThan(html.indexOf('Linen &lt;shirt&gt; 2'));
    expect(html).not.toContain('<shirt>');
    // Links go through the click redirect: the product's URL is the destination signed in its token.
    const destinations = [...html.matchAll(/\/t\/c\/([\w-]+)\.[\w-]+/g)].map((x) => (JSON.parse(Buffer.from(x[1]!, 'base64url').toString()) as { u: string }).u);
    expect(destinations).toContain('https://shop.example.com/products/p-2');
    expect(html).toContain('https://shop.example.com/images/p-1.jpg');
    expect(html).toContain('€49.90');
  }, 60_000);
});
