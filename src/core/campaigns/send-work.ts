import type { CampaignService } from './campaign-service.ts';
import type { SendQueue } from './ports.ts';
import { reconcile, type ReconcileDeps } from './reconcile.ts';
import type { Sender } from './sender.ts';

/**
 * The send loop's one round (a DueScheduler target, src/jobs): a batch of due rows, then campaign
 * bookkeeping (due occurrences, audience pages, trigger scans, finished campaigns), then rows
 * dead senders left leased. It reports work done so the scheduler comes straight back,
 * and otherwise sleeps until the next due row (at most a second: triggers and other processes'
 * launches are found by looking).
 */
export class SendWork {
  constructor(private readonly d: { campaigns: Pick<CampaignService, 'tick'>; sender: Pick<Sender, 'runOnce'>; queue: Pick<SendQueue, 'nextDue'>;
    reconcile: ReconcileDeps; now: () => number }) {}

  async tick(): Promise<number> {
    // The sender first: a round that claims nothing waits for the batch in flight, so the
    // bookkeeping after it sees that batch settled (and can mark its campaign sent).
    let n = await this.d.sender.runOnce();
    n += (await this.d.campaigns.tick()) ? 1 : 0;
    n += await reconcile(this.d.reconcile);
    return n;
  }

  nextDue(): Promise<number | null> {
    return this.d.queue.nextDue();
  }

  now(): number {
    return this.d.now();
  }
}
