import { ORDER_EVENT } from '../features/catalog.ts';
import { CLICK_EVENTS, EMAIL_OPENED } from '../tracking/email-event-names.ts';
import { orderRevenue } from '../features/rfm.ts';
import type { Group } from './design.ts';
import type { Moments } from './means.ts';
import type { ArmObservation } from './observations.ts';

/**
 * What one recipient did after their send, from their events:
 * - opened / clicked: an "Email Opened" / "Email Link Clicked" (or the older "Email Clicked") event
 *   whose properties.experiment_id is this experiment's id (tracking writes it from the campaign). Opens flagged
 *   `machine_open: true` (mail privacy proxies, security scanners) and clicks flagged `bot: true`
 *   are not human and do not count.
 * - converted / revenue: "Order Completed" events within the attribution window after the send,
 *   whether or not the email was opened: that is what makes the holdout comparison incremental.
 * Only events in [sentAt, sentAt + attribution) count.
 */
export const OUTCOME_EVENTS = [EMAIL_OPENED, ...CLICK_EVENTS, ORDER_EVENT];

export interface OutcomeEvent { name: string; timestamp: number; properties: Record<string, unknown> | null }
export interface Outcome { opened: boolean; clicked: boolean; converted: boolean; revenue: number }

export function recipientOutcome(events: readonly OutcomeEvent[], experimentId: string, sentAt: number, attributionMs: number): Outcome {
  const out: Outcome = { opened: false, clicked: false, converted: false, revenue: 0 };
  for (const e of events) {
    if (e.timestamp < sentAt || e.timestamp >= sentAt + attributionMs) continue;
    const p = e.properties ?? {};
    if (e.name === ORDER_EVENT) {
      out.converted = true;
      out.revenue += orderRevenue(p);
    } else if (p.experiment_id === experimentId) {
      if (e.name === EMAIL_OPENED && p.machine_open !== true) out.opened = true;
      if (CLICK_EVENTS.includes(e.name) && p.bot !== true) out.clicked = true;
    }
  }
  return out;
}

/** Adds outcomes up per arm (and the holdout), keeping per-recipient revenue for the bootstrap. */
export class OutcomeTally {
  private readonly arms = new Map<string, ArmObservation & { revenue: Moments; revenueValues: number[] }>();

  add(group: Group, arm: string | null, o: Outcome): void {
    const key = group === 'holdout' ? 'holdout' : arm!;
    let a = this.arms.get(key);
    if (!a) {
      a = { key, recipients: 0, opens: 0, clicks: 0, conversions: 0, revenue: { n: 0, sum: 0, sumSquares: 0 }, revenueValues: [] };
      this.arms.set(key, a);
    }
    a.recipients++;
    if (o.opened) a.opens++;
    if (o.clicked) a.clicks++;
    if (o.converted) a.conversions++;
    a.revenue.n++;
    a.revenue.sum += o.revenue;
    a.revenue.sumSquares += o.revenue * o.revenue;
    a.revenueValues.push(o.revenue);
  }

  result(): { arms: ArmObservation[]; holdout?: ArmObservation } {
    const holdout = this.arms.get('holdout');
    return { arms: [...this.arms.values()].filter((a) => a.key !== 'holdout'), ...(holdout ? { holdout } : {}) };
  }
}
