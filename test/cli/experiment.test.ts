import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, tempSqlite } from '../helpers/databases.ts';
import { tailorCli } from '../helpers/cli.ts';
import { msg, openTailor } from '../helpers/tailor.ts';

const tailor = (...args: string[]) => tailorCli(args);
const failing = async (...args: string[]) => {
  const e = await tailor(...args).then(() => null, (x: { code: number; stderr: string }) => x);
  expect(e, `expected 'tailor ${args.join(' ')}' to fail`).not.toBeNull();
  return e!;
};

// scipy/statsmodels values (bench/reference/experiment_stats_reference.py).
const ref = JSON.parse(readFileSync(new URL('../fixtures/experiment-stats-reference.json', import.meta.url), 'utf8'));
const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-6 * Math.abs(b) + 1e-12);

describe('tailor experiment', () => {
  it('plan: the sample size statsmodels solves for, rounded up, and one-line errors', async () => {
    // Each run is a process start: two cases here; the HTTP suite and the unit tests check all of them.
    for (const c of ref.powerRates.slice(1, 3)) {
      const [baseline, mde, power, alpha] = c.in;
      const out = JSON.parse((await tailor('experiment', 'plan', '--baseline', String(baseline), '--mde', String(mde), '--power', String(power), '--alpha', String(alpha), '--json')).stdout);
      expect(out.nPerArm).toBe(Math.ceil(c.nPerArm));
      close(out.effectSize, c.effectSize);
    }
    expect((await tailor('experiment', 'plan', '--baseline', '0.2', '--mde', '0.02', '--power', '0.8')).stdout).toMatch(/^6508 recipients per arm \(13016 mailed\)/);
    // Relative MDE: 0.2 × 10% = 0.02, the same plan.
    expect(JSON.parse((await tailor('experiment', 'plan', '--baseline', '0.2', '--mde', '0.1', '--relative', '--json')).stdout).nPerArm).toBe(6508);
    const bad = await failing('experiment', 'plan', '--baseline', '0.2', '--mde', 'two');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("tailor: --mde must be a number, not 'two'\n");
    expect((await failing('experiment', 'plan', '--baseline', '1.5', '--mde', '0.1')).stderr).toMatch(/^tailor: plan\.baseline: a baseline rate is between 0 and 1/);
  });

  it('analyze: known counts in, the z-test, intervals and χ² of scipy/statsmodels out', async () => {
    const dir = tempDir();
    for (const c of ref.pairs.slice(0, 4)) {
      const [xa, na, xb, nb] = c.in;
      const file = path.join(dir, 'pair.json');
      writeFileSync(file, JSON.stringify({ metric: 'conversion', arms: [{ key: 'A', recipients: na, conversions: xa }, { key: 'B', recipients: nb, conversions: xb }] }));
      const r = JSON.parse((await tailor('experiment', 'analyze', `@${file}`, '--json')).stdout);
      const v = r.arms[1].vsControl.conversion;
      close(v.statistic, c.z);
      close(v.p, c.p);
      v.diffCi.forEach((x: number, i: number) => close(x, c.diffCi[i]));
      if (c.liftCi) v.liftCi.forEach((x: number, i: number) => close(x, c.liftCi[i]));
    }
    const chi = ref.chi2[2];
    const arms = chi.in.map(([s, n]: number[], i: number) => ({ key: 'ABCD'[i], recipients: n, opens: s }));
    const r = JSON.parse((await tailor('experiment', 'analyze', JSON.stringify({ metric: 'open', arms }), '--json')).stdout);
    close(r.across.open.statistic, chi.statistic);
    close(r.across.open.p, chi.p);
    const text = (await tailor('experiment', 'analyze', JSON.stringify({ metric: 'open', arms }))).stdout;
    expect(text).toContain('χ² across all arms');
    expect(text).toMatch(/No variant beats control A on open rate yet/);
    expect((await failing('experiment', 'analyze', '{"arms":[{"key":"A","recipients":5,"opens":6}]}')).stderr)
      .toMatch(/^tailor: arms\[0\]\.opens: opens \(6\) cannot exceed recipients \(5\)\n$/);
    expect((await failing('experiment', 'analyze', '@/nonexistent/counts.json')).stderr).toMatch(/^tailor: analysis: cannot read \/nonexistent\/counts\.json \(ENOENT\)/);
  });

  it('create, start on a profile list, record counts, results, decide; the fixed rule refuses to decide early', async () => {
    const dir = tempDir();
    const db = tempSqlite();
    const t = await openTailor(db);
    await t.ingest(Array.from({ length: 50 }, (_, i) => msg({ type: 'identify', userId: `u${i}`, traits: { email: `u${i}@example.com` } })));
    const ids = await Promise.all(Array.from({ length: 50 }, async (_, i) => (await t.profiles.resolve({ userId: `u${i}` }))!));
    await t.close();
    const spec = path.join(dir, 'spec.json');
    writeFileSync(spec, JSON.stringify({
      name: 'cta colour', vary: 'content_block', metric: 'click', rule: 'fixed', waitHours: 48, holdout: 0.1,
      variants: [{ key: 'blue', content: { content_block: 'cta-blue' } }, { key: 'green', content: { content_block: 'cta-green' } }],
    }));
    const created = JSON.parse((await tailor('--db', db, 'experiment', 'create', `@${spec}`, '--json')).stdout);
    expect(created).toMatchObject({ name: 'cta colour', status: 'draft', arms: [{ key: 'blue' }, { key: 'green' }], spec: { alpha: 0.05, testFraction: 1 } });
    expect((await failing('--db', db, 'experiment', 'create', `@${spec}`)).stderr).toBe("tailor: an experiment named 'cta colour' already exists\n");

    const idFile = path.join(dir, 'ids.txt');
    writeFileSync(idFile, `${ids.join('\n')}\n`);
    const started = JSON.parse((await tailor('--db', db, 'experiment', 'start', 'cta colour', '--profiles', idFile, '--json')).stdout);
    expect(started.groups.holdout + started.groups.test).toBe(50);
    expect(started.groups.rest).toBe(0);

    // Counts from the ESP's report replace tracked events.
    const counts = JSON.stringify([{ key: 'blue', recipients: 10000, clicks: 430 }, { key: 'green', recipients: 10000, clicks: 512 }]);
    await tailor('--db', db, 'experiment', 'record', 'cta colour', counts);
    const results = JSON.parse((await tailor('--db', db, 'experiment', 'results', 'cta colour', '--json')).stdout);
    expect(results.source).toBe('counts');
    close(results.results.arms[1].vsControl.click.p, ref.pairs[0].p);
    expect(results.results.recommendation).toMatchObject({ action: 'send', winner: 'green' });
    expect((await tailor('--db', db, 'experiment', 'results', 'cta colour')).stdout).toMatch(/Send green: its click rate of 5\.12% beats control blue's 4\.30%/);

    const early = await failing('--db', db, 'experiment', 'decide', 'cta colour');
    expect(early.stderr).toMatch(/^tailor: The decision is due at \d{4}-/);
    const forced = JSON.parse((await tailor('--db', db, 'experiment', 'decide', 'cta colour', '--force', '--json')).stdout);
    expect(forced.decision).toMatchObject({ winner: 'green', basis: 'significant', early: true, forced: true });
    expect((await tailor('--db', db, 'experiment', 'list')).stdout).toMatch(/cta colour\s+decided\s+click\s+2 .* green/);
    expect((await failing('--db', db, 'experiment', 'show', 'nope')).stderr).toBe("tailor: no experiment 'nope'\n");
  });
});
