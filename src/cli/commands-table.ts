import type { Command } from 'commander';

/**
 * Every top-level command, with what `tailor --help` prints for it and how to load it. A run imports
 * only the module of the command it was asked for (a command module pulls in the store, the models,
 * the template engine…), so the help and a simple command start fast. program.test.ts checks that
 * each name and description here matches what the module registers.
 */
export interface CommandEntry {
  name: string;
  /** The command as the help lists it: name, `[options]`, arguments. */
  term: string;
  description: string;
  load: () => Promise<(program: Command) => void>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'serve', term: 'serve [options]', description: 'run the HTTP server (and load demo data into an empty database)',
    load: async () => (await import('./commands/serve.ts')).registerServe },
  { name: 'demo', term: 'demo [options]', description: 'load a demo fashion shop: catalogue, customers and 12 months of history (same seed, same data)',
    load: async () => (await import('./commands/demo.ts')).registerDemo },
  { name: 'migrate', term: 'migrate [options]', description: 'apply pending database migrations',
    load: async () => (await import('./commands/migrate.ts')).registerMigrate },
  { name: 'quality', term: 'quality [options]', description: 'data-quality report: invalid values left out of profiles',
    load: async () => (await import('./commands/quality.ts')).registerQuality },
  { name: 'import', term: 'import [options] <kind> <file>',
    description: 'import profiles, events, orders or products from a CSV, TSV, whitespace, JSON or JSON-lines file (optionally gzipped)',
    load: async () => (await import('./commands/import.ts')).registerImport },
  { name: 'features', term: 'features', description: 'computed features per profile: recency, frequency, monetary, engagement, categories, send hours',
    load: async () => (await import('./commands/features.ts')).registerFeatures },
  { name: 'rfm', term: 'rfm [options]',
    description: 'score every customer by recency, frequency and monetary value (1-5 quintiles) and name their RFM segment',
    load: async () => (await import('./commands/rfm.ts')).registerRfm },
  { name: 'clv', term: 'clv', description: 'customer lifetime value: BG/NBD (or Pareto/NBD) purchase model and Gamma-Gamma spend model',
    load: async () => (await import('./commands/clv.ts')).registerClv },
  { name: 'cluster', term: 'cluster [options]',
    description: 'group profiles by behaviour (k-means, Ward hierarchical or DBSCAN) and save the `cluster` feature',
    load: async () => (await import('./commands/cluster.ts')).registerCluster },
  { name: 'predict', term: 'predict', description: 'predictive scores: churn risk, purchase propensity, revenue over 90 days, or any label',
    load: async () => (await import('./commands/predict.ts')).registerPredict },
  { name: 'segment', term: 'segment', description: 'rule segments: create, preview, members, explain',
    load: async () => (await import('./commands/segment.ts')).registerSegment },
  { name: 'experiment', term: 'experiment', description: 'A/B/n and multivariate tests: design, start, results, decide, plan',
    load: async () => (await import('./commands/experiment.ts')).registerExperiment },
  { name: 'recs', term: 'recs', description: 'product recommendations: item-item collaborative filtering with a popularity fallback',
    load: async () => (await import('./commands/recs.ts')).registerRecs },
  { name: 'template', term: 'template', description: 'MJML + Liquid templates and blocks: create, render, lint, import, export',
    load: async () => (await import('./commands/template.ts')).registerTemplate },
  { name: 'delivery', term: 'delivery', description: 'bounces and complaints: import DSN/ARF reports, manage the suppression list',
    load: async () => (await import('./commands/delivery.ts')).registerDelivery },
  { name: 'campaign', term: 'campaign', description: 'broadcast and triggered campaigns: create, schedule, launch, pause, test, explain, status, worker',
    load: async () => (await import('./commands/campaign.ts')).registerCampaign },
  { name: 'sto', term: 'sto', description: 'send-time optimisation: fit each reader\'s local hours, evaluate the lift offline, show a profile',
    load: async () => (await import('./commands/sto.ts')).registerSto },
];
