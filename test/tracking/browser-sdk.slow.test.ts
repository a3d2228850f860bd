import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { identifyToken } from '../../src/core/tracking/site-identify.ts';
import { verifyToken } from '../../src/core/tracking/tokens.ts';
import { createServer } from '../../src/http.ts';
import { drainSends, outboxFiles } from '../helpers/campaigns.ts';
import { tempDir, tempSqlite } from '../helpers/databases.ts';
import { createTestTailor, jsonRequest, KEYS, msg, WRITE_AUTH, type TestTailor } from '../helpers/tailor.ts';

/**
 * The official browser SDK (@segment/analytics-next, its UMD bundle as shipped) in real Chromium,
 * against Tailor unchanged: settings from Tailor, events to Tailor, from a page on another origin
 * (so CORS is exercised). Then a click from an email: the page opened with `?_tailor=` and the site
 * snippet ends on the recipient's profile.
 */
const CHROMIUM = '/usr/bin/chromium';
const UMD = path.resolve('node_modules/@segment/analytics-next/dist/umd');
const SECRET = 'browser-sdk-test-secret-0123456789';
const WAIT_MS = 20_000;
/** A person's browser: Chromium's headless user agent is (rightly) taken for automation, and its clicks for a scanner's. */
const DESKTOP_CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium) console.warn(`[tailor tests] ${CHROMIUM} is missing: the browser SDK test is skipped (apt-get install chromium).`);

/** A free loopback port: Tailor's settings name its public URL, so the port is chosen before it listens. */
async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** Polls until `check` returns a value (not undefined), or fails after WAIT_MS. */
async function until<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + WAIT_MS;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${WAIT_MS} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** `p`, or a failure naming `what` after WAIT_MS (page.evaluate has no timeout of its own: a promise that never settles would hang). */
function within<T>(what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${WAIT_MS} ms waiting for ${what}`)), WAIT_MS); });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

type PageKind = 'npm' | 'snippet';

/**
 * The shop's page, the SDK loaded one of two ways: the UMD bundle's `AnalyticsBrowser.load` with
 * `cdnURL` at Tailor (`npm`), or Segment's snippet pattern (a stub that buffers calls, `_writeKey`
 * and `_cdn` at Tailor) with the standalone bundle loaded async (`snippet`), as a site that hosts
 * analytics.js itself would. Settings come from Tailor either way: nothing names its apiHost here.
 */
function shopPage(tailor: string, kind: PageKind, o: { tailorSnippet: boolean; calls: string }): string {
  const wk = JSON.stringify(KEYS.writeKey);
  const sdk = kind === 'npm'
    ? `<script src="/index.js"></script>
<script>
  window.analytics = AnalyticsNext.AnalyticsBrowser.load({ writeKey: ${wk}, cdnURL: ${JSON.stringify(tailor)} });
  analytics.on('error', function (e) { window.sdkErrors.push(String(e && e.code)); });
</script>`
    : `<script>
  (function () {
    var a = window.analytics = [];
    ['page', 'track', 'identify', 'group', 'alias', 'screen', 'ready', 'reset', 'on', 'once', 'off'].forEach(function (m) {
      a[m] = function () { var args = Array.prototype.slice.call(arguments); args.unshift(m); a.push(args); return a; };
    });
    a._writeKey = ${wk};
    a._cdn = ${JSON.stringify(tailor)};
    a.on('error', function (e) { window.sdkErrors.push(String(e && e.code)); });
  })();
</script>
<script async src="/standalone.js"></script>`;
  return `<!doctype html><html><head><title>Shop</title></head><body><h1>Shop</h1>
<script>window.sdkErrors = [];</script>
${sdk}
<script>${o.calls}</script>
${o.tailorSnippet ? `<script src="${tailor}/t/tailor.js"></script>` : ''}
</body></html>`;
}

describe.skipIf(!haveChromium)('the official browser SDK in Chromium', () => {
  let t: TestTailor;
  let app: FastifyInstance;
  let shop: http.Server;
  let browser: Browser;
  let tailorUrl: string;
  let shopUrl: string;
  const tailorErrors: string[] = [];
  // Tailor's clock runs with the real one, moved on by the test (a click seconds after delivery is a scanner's).
  let clockOffset = 0;
  let outbox: string;

  beforeAll(async () => {
    const port = await freePort();
    tailorUrl = `http://127.0.0.1:${port}`;
    // The shop on another origin: a different port on loopback.
    shop = http.createServer((req, res) => {
      const p = new URL(req.url ?? '/', 'http://x').pathname;
      // /<npm|snippet>/<shop|landing>.html: the landing page has Tailor's snippet and sends its own events.
      const m = /^\/(npm|snippet)\/(shop|landing)\.html$/.exec(p);
      if (m) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        const landing = m[2] === 'landing';
        return res.end(shopPage(tailorUrl, m[1] as PageKind, {
          tailorSnippet: landing,
          calls: landing ? "analytics.page('Landing'); analytics.track('Offer Viewed', { offer: 'spring' });" : '',
        }));
      }
      // The bundle and its chunks (webpack loads them relative to the page).
      const file = path.join(UMD, path.basename(p));
      if (p.endsWith('.js') && fs.existsSync(file)) {
        res.writeHead(200, { 'content-type': 'application/javascript' });
        return res.end(fs.readFileSync(file));
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => shop.listen(0, '127.0.0.1', r));
    shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;

    outbox = tempDir();
    t = await createTestTailor(loadConfig({}, { db: tempSqlite(), secret: SECRET, publicUrl: tailorUrl, corsOrigins: [shopUrl], outbox }),
      { clock: { now: () => Date.now() + clockOffset } });
    app = createServer(t, KEYS);
    await app.listen({ port, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'], timeout: WAIT_MS });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await t?.close();
    await new Promise((r) => shop?.close(r));
  });

  /** A fresh browser profile (no stored anonymous id), with Tailor's failed answers recorded. */
  async function openPage(url: string, userAgent?: string): Promise<Page> {
    const context = await browser.newContext(userAgent ? { userAgent } : {});
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
    page.on('response', (r) => { if (r.url().startsWith(tailorUrl) && r.status() >= 400) tailorErrors.push(`${r.status()} ${r.url()}`); });
    page.on('requestfailed', (r) => { if (r.url().startsWith(tailorUrl)) tailorErrors.push(`failed ${r.url()} ${r.failure()?.errorText}`); });
    await page.goto(url, { timeout: WAIT_MS });
    return page;
  }

  /** The SDK's anonymous and user ids, once it has loaded (`user()` is a promise on AnalyticsBrowser, the user on the standalone SDK). */
  const userOf = (page: Page) => until('the SDK to load', () => within('the SDK\'s user', page.evaluate(() => {
    const a = (globalThis as unknown as { analytics: { user?: () => unknown } }).analytics;
    if (typeof a.user !== 'function') return undefined;
    return Promise.resolve(a.user() as { anonymousId(): string; id(): string | null }).then((u) => ({ anonymousId: u.anonymousId(), userId: u.id() }));
  })));

  it('sends page, track and identify to the right profile, with its settings from Tailor', async () => {
    const page = await openPage(`${shopUrl}/npm/shop.html`);
    await page.evaluate(() => {
      const a = (globalThis as unknown as { analytics: Record<string, (...args: unknown[]) => unknown> }).analytics;
      void a.page!('Catalog', { section: 'shoes' });
      void a.track!('Product Viewed', { sku: 'SH-1', price: 80 });
      void a.identify!('browser-user-1', { email: 'eve@example.com', plan: 'gold' });
      void a.track!('Product Added', { sku: 'SH-1' });
    });
    const { anonymousId } = await userOf(page);

    const doc = await until('the four events on browser-user-1', async () => {
      const id = await t.profiles.resolve({ userId: 'browser-user-1' });
      const p = id ? await t.profiles.get(id, 50) : null;
      return p && p.eventCounts.total >= 4 ? p : undefined;
    });
    expect(doc.eventCounts.byType).toEqual({ page: 1, track: 2, identify: 1 });
    expect(doc.eventCounts.byName).toEqual({ 'Product Viewed': 1, 'Product Added': 1 });
    expect(doc.traits).toMatchObject({ plan: 'gold', email: 'eve@example.com' });
    expect(await t.profiles.resolve({ anonymousId })).toBe(doc.id);
    // The SDK's own context came through (library, page), as Segment's API would keep it.
    const viewed = doc.lastEvents.find((e) => e.name === 'Product Viewed')!;
    expect(viewed.properties).toMatchObject({ sku: 'SH-1', price: 80 });
    expect(viewed.context).toMatchObject({ library: { name: 'analytics.js' }, page: { url: `${shopUrl}/npm/shop.html` } });
    expect(tailorErrors).toEqual([]);
    expect(await page.evaluate(() => (globalThis as unknown as { sdkErrors: string[] }).sdkErrors)).toEqual([]);
    await page.context().close();
  });

  it.each([['npm', 'recipient-7'], ['snippet', 'recipient-8']] as const)('a click from an email (%s): the snippet merges the visitor into the recipient and clears the parameter', async (kind, userId) => {
    const r = await jsonRequest(app, 'POST', '/v1/identify', { userId, traits: { email: `${userId}@example.com`, name: 'Ann' } }, WRITE_AUTH);
    expect(r.statusCode, r.body).toBe(200);
    const recipient = (await t.profiles.resolve({ userId }))!;
    const token = identifyToken(recipient, SECRET, Date.now());

    // The landing page sends page and track itself, as a site does.
    const page = await openPage(`${shopUrl}/${kind}/landing.html?utm_source=email&_tailor=${encodeURIComponent(token)}#top`);
    // The snippet takes the token out of the address bar, and keeps the rest of it.
    await until('the address bar without _tailor', async () => (page.url().includes('_tailor') ? undefined : true));
    expect(page.url()).toBe(`${shopUrl}/${kind}/landing.html?utm_source=email#top`);
    const { anonymousId } = await userOf(page);
    // Tailor answered with the user id, and the snippet identified the browser with it.
    await until('analytics.user().id() to be the recipient', async () => ((await userOf(page)).userId === userId ? true : undefined));

    const doc = await until('the visitor\'s page and track on the recipient', async () => {
      const id = await t.profiles.resolve({ userId });
      const p = id ? await t.profiles.get(id, 50) : null;
      return p && p.lastEvents.some((e) => e.type === 'page' && e.name === 'Landing') && p.eventCounts.byName['Offer Viewed'] === 1 ? p : undefined;
    });
    expect(await t.profiles.resolve({ anonymousId })).toBe(doc.id);
    // The token is in no stored event: the page and track called before the snippet ran included.
    expect(JSON.stringify(doc.lastEvents)).not.toContain('_tailor');
    expect(doc.lastEvents.find((e) => e.name === 'Landing')!.context).toMatchObject({
      page: { url: `${shopUrl}/${kind}/landing.html?utm_source=email`, search: '?utm_source=email' },
    });
    expect(doc.traits).toMatchObject({ name: 'Ann', email: `${userId}@example.com` });
    expect(tailorErrors).toEqual([]);
    expect(await page.evaluate(() => (globalThis as unknown as { sdkErrors: string[] }).sdkErrors)).toEqual([]);
    await page.context().close();
  });

  it('the whole loop: a campaign\'s tracked link, clicked in the browser, lands the site visit on the recipient', async () => {
    await t.ingest([msg({ type: 'identify', userId: 'recipient-9', traits: { email: 'cy@example.com', name: 'Cy' },
      context: { consent: { categoryPreferences: { email_marketing: true } } } }, Date.now() + clockOffset)]);
    await t.realtime.drain();
    const recipient = (await t.profiles.resolve({ userId: 'recipient-9' }))!;
    await t.templates.create({ name: 'spring', subject: 'Spring', body: `<mjml><mj-body><mj-section><mj-column>
<mj-text><a href="${shopUrl}/npm/landing.html?from=mail">The spring offer</a></mj-text>
</mj-column></mj-section></mj-body></mjml>` });
    const campaign = await t.campaigns.campaigns.create({ name: 'spring', audience: { profiles: [recipient] }, template: 'spring' });
    await t.campaigns.campaigns.launch(campaign.id);
    await drainSends(t);
    const [file] = outboxFiles(outbox);
    const mail = await PostalMime.parse(fs.readFileSync(path.join(outbox, file!)));
    // The offer's tracked link (not the hidden decoy that only scanners follow).
    const clicks = [...(mail.html ?? '').matchAll(/href="([^"]*\/t\/c\/([^"]+))"/g)]
      .filter((m) => verifyToken(m[2]!, SECRET)?.l !== 'decoy').map((m) => m[1]!);
    expect(clicks).toHaveLength(1);
    expect(clicks[0]!.startsWith(`${tailorUrl}/t/c/`)).toBe(true);

    clockOffset += 10 * 60_000; // read ten minutes after delivery
    const page = await openPage(clicks[0]!, DESKTOP_CHROME);
    await until('the address bar without _tailor', async () => (page.url().includes('_tailor') ? undefined : true));
    expect(page.url()).toMatch(new RegExp(`^${shopUrl}/npm/landing\\.html\\?from=mail`));
    const { anonymousId } = await userOf(page);
    const doc = await until('the visit on the recipient', async () => {
      const id = await t.profiles.resolve({ anonymousId });
      const p = id ? await t.profiles.get(id, 50) : null;
      return p && p.lastEvents.some((e) => e.type === 'page' && e.name === 'Landing') && p.eventCounts.byName['Offer Viewed'] === 1
        && p.eventCounts.byName['Email Link Clicked'] === 1 ? p : undefined;
    });
    expect(doc.id).toBe(await t.profiles.resolve({ userId: 'recipient-9' }));
    expect(doc.traits).toMatchObject({ name: 'Cy' });
    const clicked = doc.lastEvents.find((e) => e.name === 'Email Link Clicked')!;
    expect(clicked.properties).not.toHaveProperty('bot');
    expect(JSON.stringify(doc.lastEvents)).not.toContain('_tailor');
    expect(tailorErrors).toEqual([]);
    await page.context().close();
  });
});
