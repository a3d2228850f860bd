import type { Tailor } from '../main.ts';

/**
 * An example experiment for the demo store, left as a draft: a campaign that names it starts it
 * (its assignments are that campaign's send list). It shows a realistic design: a win-back
 * subject-line test on a demo segment, with a holdout and a winner send to the rest.
 */
export const DEMO_EXPERIMENT = {
  name: 'Win-back subject line',
  description: 'which subject brings lapsed regulars back; 10% held out to measure what the email itself adds',
  vary: 'subject',
  segment: 'Lapsed regulars',
  variants: [
    { key: 'A', content: { subject: 'We miss you — here is 15% off' } },
    { key: 'B', content: { subject: '{{ profile.first_name | default: "Hi" }}, your favourites are back in stock' } },
  ],
  holdout: 0.1,
  testFraction: 0.3,
  waitHours: 24,
  metric: 'conversion',
};

/** Creates the demo experiment unless one of that name exists or its segment is gone; returns its name, or null. */
export async function createDemoExperiment(t: Tailor): Promise<string | null> {
  if ((await t.experiments.list()).some((x) => x.name === DEMO_EXPERIMENT.name)) return null;
  if (!(await t.segments.list()).some((s) => s.name === DEMO_EXPERIMENT.segment)) return null;
  return (await t.experiments.create(DEMO_EXPERIMENT)).name;
}
