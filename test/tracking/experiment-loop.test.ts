import fs from 'node:fs';
import path from 'node:path';
import PostalMime from 'postal-mime';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyToken } from '../../src/core/tracking/tokens.ts';
import { createServer } from '../../src/http.ts';
import { clockedTailor, drainSends, outboxFiles, type ClockedTailor } from '../helpers/campaigns.ts';
import { dialects } from '../helpers/databases.ts';
import { KEYS, msg } from '../helpers/tailor.ts';

// The loop closed: an experiment campaign is sent, recipients open and click through the public
// pixel and redirect, and the experiment's results count exactly the human ones, per arm.

const SECRET = 'experiment-loop-secret-0123456789abcdef';
const PUBLIC = 'https://mail.shop.test';
const BODY = '<mjml><mj-body><mj-section><mj-column><mj-text><a href="https://shop.test/sale">Sale</a></mj-text></mj-column></mj-section></mj-body></mjml>';
const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

for (const d of dialects) {
  describe(`tracked hits feed experiment results (${d.name})`, () => {
    let c: ClockedTailor;
    afterAll(async () => c?.t.close());

    it('counts human opens and clicks per arm and leaves machine hits out', async () => {
      c = await clockedTailor(await d.url(), '2026-04-06T10:00:00Z', { publicUrl: PUBLIC, secret: SECRET });
      const app = createServer(c.t, KEYS);
      await c.t.ingest(Array.from({ length: 20 }, (_, i) => msg({
        type: 'identify', userId: `u${i}`, traits: { email: `u${i}@mail.test`, plan: 'pro' },
        context: { consent: { categoryPreferences: { email_marketing: true } } },
      }, c.clock.now)));
      await c.t.realtime.drain();
      await c.t.segments.create({ name: 'pro', rules: { trait: 'plan', op: 'eq', value: 'pro' } });
      await c.t.templates.create({ name: 'sale', subject: 'Sale', body: BODY });
      await c.t.experiments.create({
        name: 'subjects', vary: 'subject', segment: 'pro', holdout: 0, testFraction: 1, waitHours: 24, minPerArm: 2, rule: 'fixed',
        variants: [{ key: 'a', content: { subject: 'A' } }, { key: 'b', content: { subject: 'B' } }],
      });
      const campaign = await c.t.campaigns.campaigns.create({ name: 'exp', experiment: 'subjects', template: 'sale' });
      await c.t.campaigns.campaigns.launch(campaign.id);
      await drainSends(c.t);
      c.clock.now += 30 * 60_000;

      const messages = await Promise.all(outboxFiles(c.outbox).map(async (f) => PostalMime.parse(fs.readFileSync(path.join(c.outbox, f)))));
      expect(messages).toHaveLength(20);
      const want = { a: { opens: 0, clicks: 0 }, b: { opens: 0, clicks: 0 } };
      for (const [i, m] of messages.entries()) {
        const arm = m.subject === 'A' ? 'a' : 'b';
        const open = m.html!.match(/\/t\/o\/([\w-]+\.[\w-]+)/)![1]!;
        const click = [...m.html!.matchAll(/\/t\/c\/([\w-]+\.[\w-]+)/g)].map((x) => x[1]!).find((t) => verifyToken(t, SECRET)!.l === '0')!;
        const get = (url: string, ua: string, ip = '198.51.100.7') => app.inject({ method: 'GET', url, headers: { 'user-agent': ua }, remoteAddress: ip });
        // Every message gets an Apple MPP prefetch; a human open for 1 in 2, a human click for 1 in 4 in arm b only.
        await get(`/t/o/${open}`, 'Mozilla/5.0', '17.58.0.9');
        if (i % 2 === 0) { await get(`/t/o/${open}`, BROWSER); want[arm].opens++; }
        if (i % 4 === 0 && arm === 'b') { await get(`/t/c/${click}`, BROWSER); want[arm].clicks++; }
      }
      const view = await c.t.experiments.results('subjects');
      for (const arm of view.results.arms) {
        const k = arm.key as 'a' | 'b';
        expect(arm.metrics.open?.count).toBe(want[k].opens);
        expect(arm.metrics.click?.count).toBe(want[k].clicks);
      }
      expect(want.a.opens + want.b.opens).toBe(10);
      await app.close();
    });
  });
}
