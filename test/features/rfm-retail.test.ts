import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { runRfm, type RfmRun } from '../../src/core/features/rfm-run.ts';
import { rfmCustomer, type RfmGroupSummary } from '../../src/core/features/rfm.ts';
import { importFile } from '../../src/io/import-file.ts';
import { createRfmStore, storedRfm } from '../../src/store/features/rfm-store.ts';
import { dataSet } from '../helpers/data-sets.ts';
import { dialects, tempDir } from '../helpers/databases.ts';
import { createTestTailor, type TestTailor } from '../helpers/tailor.ts';

/**
 * Tailor's RFM on the UCI Online Retail invoices, imported as orders, against the fixture that
 * bench/reference/rfm_reference.py (pandas, independent of Tailor) computed from the raw CSV:
 * every customer's scores and segment exactly, the per-segment means to 1e-6.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const RETAIL_SET = dataSet('retail', ['online_retail_invoices.csv'], 'the RFM reference test on Online Retail');
const RETAIL = RETAIL_SET.file('online_retail_invoices.csv');
const FIXTURE = path.join(ROOT, 'test/fixtures/rfm-retail-reference.json');
const haveData = RETAIL_SET.available;

type FixtureGroup = RfmGroupSummary & { segment?: string };
interface Fixture {
  asOf: string;
  windowDays: number;
  data: { orders: number };
  segments: (FixtureGroup & { segment: string })[];
  totals: FixtureGroup;
  /** customer id → [recencyDays, frequency, monetary, r, f, m, segment] */
  customers: Record<string, [number, number, number, number, number, number, string]>;
}
const fixture = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as Fixture;

const expectGroup = (got: RfmGroupSummary, want: FixtureGroup, label: string) => {
  expect(got.customers, label).toBe(want.customers);
  for (const k of ['meanRecencyDays', 'meanFrequency', 'meanMonetary'] as const) {
    if (want[k] === null) expect(got[k], `${label} ${k}`).toBeNull();
    else expect(Math.abs(got[k]! - want[k]!), `${label} ${k}: ${got[k]} vs ${want[k]}`).toBeLessThanOrEqual(1e-6);
  }
};

describe.skipIf(!haveData).each(dialects)('RFM on Online Retail against the reference ($name)', ({ url }) => {
  let t: TestTailor;
  let run: RfmRun;
  let customerOf: Map<string, string>;

  beforeAll(async () => {
    t = await createTestTailor(loadConfig({}, { db: await url() }));
    const s = await importFile(t, {
      kind: 'orders', file: RETAIL, currency: 'GBP', map: 'userId=CustomerID,orderId=InvoiceNo,timestamp=InvoiceDate,total=TotalPrice',
      rejects: path.join(tempDir('tailor-rfm-'), 'retail.rejects.jsonl'),
    });
    expect(s).toMatchObject({ status: 'completed', inserted: fixture.data.orders, rejected: 0 });
    const started = performance.now();
    run = await runRfm(createRfmStore(t.db), { asOf: Date.parse(fixture.asOf), windowDays: fixture.windowDays, save: true, now: Date.now() }, () => performance.now());
    console.info(`[rfm-retail] ${t.db.dialect}: ${run.summary.totals.customers} customers scored and saved in ${(performance.now() - started).toFixed(0)} ms`, run.timings);
    const ids = await t.db.kysely.selectFrom('events').select(['profile_id', 'user_id']).distinct().execute();
    customerOf = new Map(ids.map((r) => [r.profile_id, r.user_id!]));
  }, 300_000);
  afterAll(async () => {
    await t?.close();
  });

  it('matches the per-segment counts and means', () => {
    expect(run.summary).toMatchObject({ asOf: fixture.asOf, windowDays: fixture.windowDays });
    expect(run.summary.segments.map((g) => g.segment)).toEqual(fixture.segments.map((g) => g.segment));
    fixture.segments.forEach((want, i) => expectGroup(run.summary.segments[i]!, want, want.segment));
    expectGroup(run.summary.totals, fixture.totals, 'totals');
  });

  it('scores every customer exactly as the reference does', () => {
    const got: Record<string, unknown[]> = {};
    for (let i = 0; i < run.scores.profileIds.length; i++) {
      const c = rfmCustomer(run.scores, i);
      got[customerOf.get(c.profileId)!] = [c.recencyDays, c.frequency, c.monetary, c.r, c.f, c.m, c.segment];
    }
    expect(Object.keys(got).sort()).toEqual(Object.keys(fixture.customers).sort());
    const mismatches = Object.entries(fixture.customers).filter(([id, want]) => {
      const g = got[id]!;
      return g[0] !== want[0] || g[1] !== want[1] || Math.abs((g[2] as number) - want[2]) > 1e-6 || g.slice(3).join() !== want.slice(3).join();
    });
    expect(mismatches.slice(0, 5).map(([id, want]) => ({ id, want, got: got[id] }))).toEqual([]);
  });

  it('stored the scores as rfm_* features, and none for customers without an order in the window', async () => {
    const stored = await storedRfm(t.db);
    expect(stored.size).toBe(Object.keys(fixture.customers).length);
    for (const [profileId, s] of stored) {
      const [, , , r, f, m, segment] = fixture.customers[customerOf.get(profileId)!]!;
      expect({ id: customerOf.get(profileId), ...s }).toEqual({ id: customerOf.get(profileId), r, f, m, score: 100 * r + 10 * f + m, segment });
    }
    // Customers whose every order is on or before the window's start (2010-12-10) have no scores.
    const unscored = [...customerOf.values()].filter((id) => !(id in fixture.customers));
    expect(unscored.length).toBeGreaterThan(0);
    expect(unscored.length + stored.size).toBe(customerOf.size);
  });
});
