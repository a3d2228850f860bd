import type { Attribution, AttributionWindows, TouchCandidate } from './report-ports.ts';

const DAY_MS = 86_400_000;

/** The windows a campaign gets when its spec sets none (issue 15: a click within 5 days, else an open within 1 day). */
export const DEFAULT_WINDOWS: AttributionWindows = { clickDays: 5, openDays: 1 };
/** The longest window a campaign may set (the schema's bound): how far back candidates are read. */
export const MAX_WINDOW_DAYS = 30;
export const MAX_WINDOW_MS = MAX_WINDOW_DAYS * DAY_MS;

/**
 * Last-touch attribution of one order: the profile's last HUMAN click at or before the order and
 * within the click window of that click's campaign; failing that, the last human open within its
 * campaign's open window. Machine opens and bot clicks never attribute (a privacy proxy or a link
 * scanner did not persuade anyone). A candidate of a campaign `windows` does not know (deleted)
 * uses the defaults. Ties on time go to the larger email id, so the choice never depends on
 * the order candidates were read in. Returns null when nothing qualifies.
 */
export function attributeOrder(orderAt: number, candidates: readonly TouchCandidate[],
  windows: ReadonlyMap<string, AttributionWindows>): Attribution | null {
  const pick = (kind: 'click' | 'open'): TouchCandidate | null => {
    let best: TouchCandidate | null = null;
    for (const c of candidates) {
      if (c.kind !== kind || !c.human || c.at > orderAt) continue;
      const w = windows.get(c.campaignId) ?? DEFAULT_WINDOWS;
      const days = kind === 'click' ? w.clickDays : w.openDays;
      if (orderAt - c.at > days * DAY_MS) continue;
      if (!best || c.at > best.at || (c.at === best.at && (c.emailId ?? '') > (best.emailId ?? ''))) best = c;
    }
    return best;
  };
  const touch = pick('click') ?? pick('open');
  if (!touch) return null;
  return {
    campaign_id: touch.campaignId, step: touch.step, arm: touch.arm, touch: touch.kind,
    touched_at: new Date(touch.at).toISOString(), email_id: touch.emailId,
  };
}
