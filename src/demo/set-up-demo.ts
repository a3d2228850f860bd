import type { Tailor } from '../main.ts';
import { createDemoCampaigns } from './demo-campaigns.ts';
import { demoSuppressions } from './demo-consent.ts';
import { createDemoExperiment } from './demo-experiments.ts';
import { createDemoModels, type DemoModels } from './demo-models.ts';
import { createDemoSegments } from './demo-segments.ts';
import { createDemoContent } from './demo-templates.ts';
import { loadDemo, type DemoOptions, type DemoSummary } from './load-demo.ts';

/** What set-up made: the data loaded, then the examples built on it. */
export interface DemoSetUp extends DemoSummary {
  exampleSegments: Awaited<ReturnType<typeof createDemoSegments>>;
  exampleExperiment: string | null;
  content: Awaited<ReturnType<typeof createDemoContent>>;
  models: DemoModels;
  /** Addresses on the suppression list for the planted bounces and complaints. */
  suppressions: number;
  /** The demo campaigns created (drafts). */
  campaigns: string[];
}

/** Where set-up says what it did, step by step (serve logs each step; demo prints the sum). */
export type DemoLog = (step: string, detail: Record<string, unknown>) => void;

/**
 * The whole demo shop, in order: the data (catalogue, customers, history ending at `opts.end`,
 * default now), the suppressions of its bounces and complaints, the example segments, the draft
 * experiment, the template and recommendations, the models (as of the end of the history) and the
 * draft campaigns. `tailor demo` and `tailor serve` on an empty database both run this, so they
 * set up the same shop.
 */
export async function setUpDemo(t: Tailor, opts: DemoOptions, log: DemoLog = () => {}): Promise<DemoSetUp> {
  const loaded = await loadDemo(t, opts);
  log('demo data loaded', { ...loaded });
  const end = Date.parse(loaded.end);
  // What bounce and complaint intake would have added for the bounces and complaints in the history.
  const planted = demoSuppressions({ seed: opts.seed, customers: opts.customers, end });
  await t.campaigns.suppressions.add(planted, end);
  log('demo suppressions planted', { suppressions: planted.length });
  const exampleSegments = await createDemoSegments(t);
  log('demo segments created', { segments: exampleSegments });
  const exampleExperiment = await createDemoExperiment(t);
  log('demo experiment created (draft)', { experiment: exampleExperiment });
  const content = await createDemoContent(t);
  log('demo template created and recommendations built', { ...content });
  const models = await createDemoModels(t, new Date(loaded.end));
  log('demo churn model trained and scored, demo clusters saved', { ...models });
  const campaigns = await createDemoCampaigns(t);
  log('demo campaigns created (draft)', { campaigns });
  return { ...loaded, exampleSegments, exampleExperiment, content, models, suppressions: planted.length, campaigns };
}
