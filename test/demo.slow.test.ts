import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFlags } from '../src/cli/commands/demo.ts';
import { loadConfig } from '../src/config.ts';
import { isTailorError } from '../src/core/errors.ts';
import { normalizeCountry } from '../src/core/identity/country.ts';
import { normalizeEmail } from '../src/core/identity/email.ts';
import { normalizePhone } from '../src/core/identity/phone.ts';
import { normalizeTimezone } from '../src/core/identity/timezone.ts';
import { BEHAVIOURS, SEGMENTS, type Segment } from '../src/demo/behaviours.ts';
import { demoDataSet, type DemoSpec } from '../src/demo/demo-messages.ts';
import { DEFAULT_DEMO_END, loadDemo, type DemoSummary } from '../src/demo/load-demo.ts';
import { createDemoSegments, DEMO_SEGMENTS } from '../src/demo/demo-segments.ts';
import { fromJson, fromTs, toInt } from '../src/store/sql/codec.ts';
import { dialects, tempSqlite } from './helpers/databases.ts';
import { createTestTailor, type TestTailor } from './helpers/tailor.ts';

const DAY = 86_400_000;

function hashOf(spec: DemoSpec): string {
  const h = createHash('sha256');
  const data = demoDataSet(spec);
  h.update(JSON.stringify(data.products));
  for (const { messages } of data.customers()) for (const m of messages) h.update(JSON.stringify(m));
  return h.digest('hex');
}

describe('demo generator', () => {
  it('gives identical output for a seed and different output for another seed', () => {
    const a = hashOf({ customers: 300, seed: 1 });
    expect(hashOf({ customers: 300, seed: 1 })).toBe(a);
    expect(hashOf({ customers: 300, seed: 2 })).not.toBe(a);
    expect(hashOf({ customers: 300, seed: 1, end: new Date('2025-06-01T00:00:00Z') })).not.toBe(a);
  });

  it('generates each customer independently of the customer count', () => {
    const small = [...demoDataSet({ customers: 50, seed: 3 }).customers()];
    const large = [...demoDataSet({ customers: 120, seed: 3 }).customers()].slice(0, 50);
    expect(JSON.stringify(large)).toBe(JSON.stringify(small));
  });

  it('generates traits that the ingest normalisers accept unchanged', () => {
    let phones = 0;
    for (const { customer: c } of demoDataSet({ customers: 3000, seed: 11 }).customers()) {
      expect(normalizeEmail(c.email)).toEqual({ ok: true, value: c.email });
      expect(normalizeCountry(c.country)).toEqual({ ok: true, value: c.country });
      expect(normalizeTimezone(c.timezone)).toEqual({ ok: true, value: c.timezone });
      if (c.phone) {
        phones++;
        // International format, so no default region is needed.
        expect(normalizePhone(c.phone), c.phone).toMatchObject({ ok: true });
      }
    }
    expect(phones).toBeGreaterThan(2000);
  });

  it('places most email opens at the customer\'s preferred local hour', () => {
    let opens = 0;
    let atPreferred = 0;
    for (const { customer: c, messages } of demoDataSet({ customers: 300, seed: 5 }).customers()) {
      const hour = new Intl.DateTimeFormat('en-GB', { timeZone: c.timezone, hour: 'numeric', hourCycle: 'h23' });
      for (const m of messages) {
        if (m.event !== 'Email Opened') continue;
        opens++;
        if (Number(hour.format(m.timestamp)) === c.preferredHour) atPreferred++;
      }
    }
    expect(opens).toBeGreaterThan(1000);
    expect(atPreferred / opens).toBeGreaterThan(0.6);
  });
});

describe('tailor demo options', () => {
  const reason = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return isTailorError(e) ? e.code : 'other';
    }
    return 'none';
  };

  it('rejects bad values with invalid_argument', () => {
    expect(reason(() => parseFlags({ customers: '-5', seed: '1' }))).toBe('invalid_argument');
    expect(reason(() => parseFlags({ customers: '0', seed: '1' }))).toBe('invalid_argument');
    expect(reason(() => parseFlags({ customers: '12x', seed: '1' }))).toBe('invalid_argument');
    expect(reason(() => parseFlags({ customers: '10', seed: 'abc' }))).toBe('invalid_argument');
    expect(reason(() => parseFlags({ customers: '10', seed: '1.5' }))).toBe('invalid_argument');
    expect(reason(() => parseFlags({ customers: '10', seed: '1', end: 'yesterday' }))).toBe('invalid_argument');
    expect(parseFlags({ customers: '10', seed: '-3', end: '2025-01-31' })).toEqual({ customers: 10, seed: -3, end: new Date('2025-01-31T00:00:00Z') });
  });

  it('exits non-zero with a one-line reason', async () => {
    const cli = path.resolve('bin/tailor.js');
    for (const args of [['--customers=-5'], ['--seed', 'abc']]) {
      const run = promisify(execFile)(process.execPath, [cli, '--db', tempSqlite(), 'demo', ...args]);
      const err = await run.then(() => undefined, (e: { code: number; stderr: string }) => e);
      expect(err?.code).toBeGreaterThan(0);
      // bin/tailor.js adds a note line when dist/ is older than src/ (it runs src/ through tsx then).
      const stderr = err?.stderr.replace(/^tailor: note: .*\n/, '') ?? '';
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(/^tailor: --(customers|seed) must be/);
    }
  });
});

describe.each(dialects)('loadDemo on $name', ({ url }) => {
  const CUSTOMERS = 1000;
  const SEED = 7;
  let t: TestTailor;
  let first: DemoSummary;

  beforeAll(async () => {
    t = await createTestTailor(loadConfig({}, { db: await url() }));
    first = await loadDemo(t, { customers: CUSTOMERS, seed: SEED, end: DEFAULT_DEMO_END });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('stores every generated event, product and customer, without data-quality issues', async () => {
    const counts = await t.status.counts();
    expect(first.stored).toBe(first.events);
    expect(counts.events).toBe(first.events);
    expect(counts.products).toBe(first.products);
    expect(first.products).toBeGreaterThanOrEqual(120);
    expect(first.products).toBeLessThanOrEqual(200);
    // Every anonymous visitor ended up in an identified profile: one live profile per customer.
    expect(counts.profiles).toBe(CUSTOMERS);
    expect(counts.qualityIssues).toBe(0);
  });

  it('adds nothing when loaded a second time', async () => {
    const again = await loadDemo(t, { customers: CUSTOMERS, seed: SEED, end: DEFAULT_DEMO_END });
    expect(again.stored).toBe(0);
    expect(again.duplicates).toBe(first.events);
    const counts = await t.status.counts();
    expect(counts.events).toBe(first.events);
    expect(counts.profiles).toBe(CUSTOMERS);
    expect(counts.products).toBe(first.products);
  });

  it('merged anonymous visitors into identified profiles', async () => {
    const anonymousFirst = [...demoDataSet({ customers: CUSTOMERS, seed: SEED }).customers()].filter((c) => c.customer.anonymousFirst).length;
    expect(anonymousFirst).toBeGreaterThan(CUSTOMERS * 0.1);
    const merges = await t.db.kysely.selectFrom('changes').select((eb) => eb.fn.countAll().as('n')).where('kind', '=', 'merge').executeTakeFirstOrThrow();
    expect(toInt(merges.n)).toBe(anonymousFirst);
    expect(first.merges).toBe(anonymousFirst);
  });

  describe('planted behaviour types', () => {
    const end = new Date('2026-11-01T00:00:00Z').getTime();
    interface Stats { segment: Segment; counts: Record<string, number>; first: number; lastOrder: number; revenue: number }
    let bySegment: Map<Segment, Stats[]>;

    beforeAll(async () => {
      const profiles = await t.db.kysely.selectFrom('profiles').select(['id', 'traits']).where('merged_into', 'is', null).execute();
      const stats = new Map<string, Stats>();
      for (const p of profiles) {
        const traits = fromJson<Record<string, unknown>>(p.traits);
        stats.set(p.id, { segment: traits.demo_segment as Segment, counts: {}, first: Infinity, lastOrder: -Infinity, revenue: 0 });
      }
      const rows = await t.db.kysely.selectFrom('events')
        .select((eb) => ['profile_id', 'name', eb.fn.countAll().as('n'), eb.fn.min('timestamp').as('first'), eb.fn.max('timestamp').as('last')])
        .groupBy(['profile_id', 'name']).execute();
      for (const r of rows) {
        const s = stats.get(r.profile_id)!;
        s.counts[r.name ?? ''] = toInt(r.n);
        s.first = Math.min(s.first, fromTs(r.first));
        if (r.name === 'Order Completed') s.lastOrder = fromTs(r.last);
      }
      const orders = await t.db.kysely.selectFrom('events').select(['profile_id', 'properties']).where('name', '=', 'Order Completed').execute();
      for (const o of orders) stats.get(o.profile_id)!.revenue += fromJson<{ revenue: number }>(o.properties).revenue;
      bySegment = new Map(SEGMENTS.map((k) => [k, [...stats.values()].filter((s) => s.segment === k)]));
    });

    const sum = (list: Stats[], name: string) => list.reduce((a, s) => a + (s.counts[name] ?? 0), 0);

    it('are all present in roughly the intended proportions', () => {
      for (const k of SEGMENTS) {
        const share = bySegment.get(k)!.length / CUSTOMERS;
        expect(Math.abs(share - BEHAVIOURS[k].share), k).toBeLessThan(0.03);
        expect(first.segments[k]).toBe(bySegment.get(k)!.length);
      }
    });

    it('window shoppers add to cart far more often per order than frequent buyers', () => {
      const ratio = (k: Segment) => sum(bySegment.get(k)!, 'Product Added') / Math.max(1, sum(bySegment.get(k)!, 'Order Completed'));
      expect(ratio('window_shopper')).toBeGreaterThan(4 * ratio('frequent_buyer'));
      const ordersPer = (k: Segment) => sum(bySegment.get(k)!, 'Order Completed') / bySegment.get(k)!.length;
      expect(ordersPer('frequent_buyer')).toBeGreaterThan(3 * ordersPer('window_shopper'));
    });

    it('lapsed customers have not ordered in the last 4 months', () => {
      const cutoff = Date.UTC(2026, 6, 1); // end (2026-11-01) minus 4 months
      const lapsed = bySegment.get('lapsed')!;
      expect(lapsed.filter((s) => s.lastOrder > -Infinity).length).toBeGreaterThan(lapsed.length * 0.8);
      for (const s of lapsed) expect(s.lastOrder).toBeLessThan(cutoff);
    });

    it('newcomers were first seen in the last 6 weeks and have at most one order', () => {
      for (const s of bySegment.get('newcomer')!) {
        expect(s.first).toBeGreaterThanOrEqual(end - 42 * DAY);
        expect(s.counts['Order Completed'] ?? 0).toBeLessThanOrEqual(1);
      }
    });

    it('bargain hunters spend less per order than frequent buyers', () => {
      const aov = (k: Segment) => bySegment.get(k)!.reduce((a, s) => a + s.revenue, 0) / sum(bySegment.get(k)!, 'Order Completed');
      expect(aov('bargain_hunter')).toBeLessThan(0.7 * aov('frequent_buyer'));
    });

    it('bargain hunters click through more of the email they open than frequent buyers', () => {
      const clickRate = (k: Segment) => sum(bySegment.get(k)!, 'Email Clicked') / Math.max(1, sum(bySegment.get(k)!, 'Email Opened'));
      expect(clickRate('bargain_hunter')).toBeGreaterThan(2 * clickRate('frequent_buyer'));
    });
  });
});

describe('demo segments', () => {
  it('are created once, and each has members on the demo data', async () => {
    const t = await createTestTailor(loadConfig({}, { db: tempSqlite() }), { clock: { now: () => DEFAULT_DEMO_END.getTime() + 86_400_000 } });
    try {
      await loadDemo(t, { customers: 400, seed: 3, end: DEFAULT_DEMO_END });
      const made = await createDemoSegments(t);
      expect(made.map((s) => s.name)).toEqual(DEMO_SEGMENTS.map((s) => s.name));
      for (const s of made) expect(s.size, s.name).toBeGreaterThan(0);
      expect(await createDemoSegments(t)).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
