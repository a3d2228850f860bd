import type { Liquid } from 'liquidjs';

/** Filters as Shopify's reference Liquid defines them, replacing liquidjs' where they differ. */
export function registerShopifyFilters(liquid: Liquid): void {
  void liquid;
}
