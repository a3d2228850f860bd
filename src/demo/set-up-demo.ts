import type { Tailor } from '../main.ts';
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
}

/** Where set-up says what it did, step by step (serve logs each step; demo prints the sum). */
export type DemoLog = (step: string, detail: Record<string, unknown>) => void;

/**
 * The whole demo shop, in order: the data (catalogue, customers, history ending at `opts.end`,
 * default now), the example segments, the draft experiment, the template and recommendations, and
 * the models (as of the end of the history). `tailor demo` and `tailor serve` on an empty database
 * both run this, so they set up the same shop.
 */
export async function setUpDemo(t: Tailor, opts: DemoOptions, log: DemoLog = () => {}): Promise<DemoSetUp> {
  const loaded = await loadDemo(t, opts);
  log('demo data loaded', { ...loaded });
  const exampleSegments = await createDemoSegments(t);
  log('demo segments created', { segments: exampleSegments });
  const exampleExperiment = await createDemoExperiment(t);
  log('demo experiment created (draft)', { experiment: exampleExperiment });
  const content = await createDemoContent(t);
  log('demo template created and recommendations built', { ...content });
  const models = await createDemoModels(t, new Date(loaded.end));
  log('demo churn model trained and scored, demo clusters saved', { ...models });
  return { ...loaded, exampleSegments, exampleExperiment, content, models };
}
