import type { ChangeSubscriber } from '../../ingest/change-subscriber.ts';
import { INTERACTION_EVENTS } from './interactions.ts';

/** Recommendations follow new views, carts and orders (a no-op until `tailor recs build` has run). */
export function followShoppers(recs: { refresh(profileIds: readonly string[]): Promise<unknown> }): ChangeSubscriber {
  const names = Object.keys(INTERACTION_EVENTS).map((e) => `event:${e}`);
  return async (changes, mergedAway) => {
    const shoppers = [...changes].filter(([, c]) => c.has('*') || names.some((e) => c.has(e))).map(([id]) => id);
    if (shoppers.length || mergedAway.length) await recs.refresh([...shoppers, ...mergedAway]);
  };
}
