/**
 * What a template sees (README "Templates"): `profile` (every trait at the top level, as Shopify
 * and Braze templates expect — `profile.first_name` — plus `traits`, `features`, `segments`,
 * `rfm`, `cluster` and `scores`), `event` (the triggering event's properties, e.g. a cart's
 * items), `recommendations`, `campaign`, and the recipient's signed `unsubscribe_url`,
 * `preferences_url` and `view_in_browser_url`. Computed features join at the top level too when
 * no trait has the name (`profile.orders_90d`).
 */
export interface ContextProfile {
  id: string;
  traits: Record<string, unknown>;
  features: Record<string, unknown>;
  segments: string[];
}

export interface ContextExtras {
  event?: Record<string, unknown> | undefined;
  recommendations?: unknown[] | undefined;
  campaign?: Record<string, unknown> | undefined;
  links: { unsubscribe_url: string; preferences_url: string; view_in_browser_url: string };
}

const SCORES = ['churn_risk', 'purchase_propensity', 'predicted_revenue_90d', 'p_alive', 'clv'];

export function renderContext(p: ContextProfile, x: ContextExtras): Record<string, unknown> {
  const f = p.features;
  const rfm = f.rfm_score === null || f.rfm_score === undefined ? null
    : { r: f.rfm_r, f: f.rfm_f, m: f.rfm_m, score: f.rfm_score, segment: f.rfm_segment };
  const scores = Object.fromEntries(SCORES.filter((k) => f[k] !== undefined).map((k) => [k, f[k]]));
  return {
    profile: {
      ...f,
      ...p.traits,
      id: p.id,
      traits: p.traits,
      features: f,
      segments: p.segments,
      rfm,
      cluster: f.cluster ?? null,
      scores,
    },
    event: x.event ?? {},
    recommendations: x.recommendations ?? [],
    campaign: x.campaign ?? {},
    ...x.links,
  };
}
