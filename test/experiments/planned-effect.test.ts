import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tailorCli } from '../helpers/cli.ts';
import { dialects } from '../helpers/databases.ts';
import { jsonRequest, openApp } from '../helpers/tailor.ts';

type App = Awaited<ReturnType<typeof openApp>>;

// scipy/statsmodels values (bench/reference/msprt_reference.py → msprt-reference.json).
const ref = JSON.parse(readFileSync(new URL('./msprt-reference.json', import.meta.url), 'utf8'));
const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-6 * Math.abs(b) + 1e-12);
const [xa, na, xb, nb] = ref.issue.in as number[];
const ISSUE = [{ key: 'A', recipients: na, clicks: xa }, { key: 'B', recipients: nb, clicks: xb }];

/**
 * The planned effect through the public surfaces: an experiment created over HTTP with a `plan`
 * keeps it, its results use the τ the plan implies and say so, `tailor experiment plan` shows that
 * τ, and `analyze` takes a plan too. The issue's counts decide under a plan of their size.
 */
describe.each(dialects)('a planned effect on $name', ({ url }) => {
  let h: App;
  beforeEach(async () => { h = await openApp(await url()); });
  afterEach(async () => h.close());

  it('HTTP: create with a plan, record the issue counts, results use the plan τ and recommend sending B', async () => {
    const plan = { baseline: ref.issue.plans[0].in[0], mde: ref.issue.plans[0].in[1] };
    const created = await jsonRequest(h.app, 'POST', '/v1/experiments', {
      name: 'planned', vary: 'subject', metric: 'click', plan, variants: [{ key: 'A' }, { key: 'B' }],
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().spec).toMatchObject({ plan: { ...plan, relative: false, power: 0.8 } });
    expect(created.json().spec.tau).toBeUndefined();
    const id = created.json().id;
    expect((await jsonRequest(h.app, 'POST', `/v1/experiments/${id}/counts`, { arms: ISSUE })).statusCode).toBe(200);
    const r = (await jsonRequest(h.app, 'GET', `/v1/experiments/${id}/results`)).json().results;
    expect(r.mixture.basis).toBe('plan');
    close(r.mixture.tau, ref.issue.plans[0].tau);
    close(r.arms[1].vsControl.click.pSequential, ref.issue.plans[0].p);
    expect(r.recommendation).toMatchObject({ action: 'send', winner: 'B' });

    const bad = await jsonRequest(h.app, 'POST', '/v1/experiments', {
      name: 'bad', vary: 'subject', metric: 'revenue', plan: { baseline: 2, mde: 0.5 }, variants: [{ key: 'A' }, { key: 'B' }],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toMatch(/plan\.sd/);

    const planned = (await jsonRequest(h.app, 'POST', '/v1/experiments/plan', { baseline: 0.1, mde: 0.02, power: 0.9, arms: 3 })).json();
    close(planned.tau, ref.plans[3].tau);
    expect(planned.nPerArm).toBe(ref.plans[3].nPerArm);
  });
});

describe('the planned effect in the CLI', () => {
  it('plan shows the τ an experiment with that plan uses; analyze takes a plan', async () => {
    const [baseline, mde] = ref.plans[1].in;
    const text = (await tailorCli(['experiment', 'plan', '--baseline', String(baseline), '--mde', String(mde)])).stdout;
    expect(text).toContain(`τ = ${ref.plans[1].tau.toFixed(4)}`);
    const json = JSON.parse((await tailorCli(['experiment', 'plan', '--baseline', String(baseline), '--mde', String(mde), '--json'])).stdout);
    close(json.tau, ref.plans[1].tau);

    const without = (await tailorCli(['experiment', 'analyze', JSON.stringify({ metric: 'click', arms: ISSUE })])).stdout;
    expect(without).toContain('The difference is large, but 112 recipients per arm are not yet enough evidence for the always-valid test');
    expect(without).toContain('a decision is expected after about 49 more recipients per arm');
    const withPlan = JSON.parse((await tailorCli(['experiment', 'analyze', JSON.stringify({ metric: 'click', arms: ISSUE, plan: { baseline: 0.065, mde: 0.065 } }), '--json'])).stdout);
    close(withPlan.arms[1].vsControl.click.pSequential, ref.issue.plans[1].p);
    expect(withPlan.recommendation.action).toBe('send');
  });
});
