import { TailorError } from '../core/errors.ts';
import type { ExperimentService } from '../core/experiments/service.ts';
import { CampaignReports } from '../core/tracking/campaign-report.ts';
import { ReportFollower } from '../core/tracking/report-follower.ts';
import { DueScheduler } from '../jobs/due-scheduler.ts';
import { createReportFollowerStore } from '../store/tracking/report-follower-store.ts';
import { createReportQueries } from '../store/tracking/report-queries.ts';
import type { Base } from './base.ts';

/** How often the follower looks for new tracking events when it found none. */
const FOLLOW_LOOK_MS = 2000;

/**
 * Campaign reports: the follower that keeps rollups current as tracking events arrive (its own
 * scheduler, started by `tailor serve` and `tailor campaign worker`), and the report use case.
 */
export function wireReports(b: Base, d: { experiments: Pick<ExperimentService, 'results'> }) {
  const follower = new ReportFollower({ port: createReportFollowerStore(b.db), now: b.now });
  const reports = new CampaignReports({
    queries: createReportQueries(b.db),
    // A look at the results is recorded in the experiment's always-valid p-values, which allow any
    // number of looks. An experiment not started yet has no results: no lift to show.
    experimentResults: async (name) => {
      try {
        return (await d.experiments.results(name)).results;
      } catch (e) {
        if (e instanceof TailorError && (e.code === 'conflict' || e.code === 'not_found')) return null;
        throw e;
      }
    },
  });
  const scheduler = new DueScheduler({ tick: () => follower.follow(), nextDue: async () => null, now: b.now }, b.onError, FOLLOW_LOOK_MS);
  return { follower, reports, scheduler, close: () => scheduler.stop() };
}
