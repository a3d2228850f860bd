import type { ProductRecord } from '../core/imports/map-product.ts';
import type { ProductsPort, ProductUpsertResult } from '../core/imports/ports.ts';
import type { DemoProduct } from './catalog.ts';

/**
 * Upserts the catalogue through the store's product upsert (the one imports use): a second run
 * finds every row unchanged and writes nothing.
 */
export function saveProducts(catalogue: ProductsPort, products: readonly DemoProduct[], now: number): Promise<ProductUpsertResult> {
  return catalogue.upsert(products.map(toRecord), now);
}

function toRecord(p: DemoProduct): ProductRecord {
  return {
    id: p.id, name: p.name, category: p.category, price: p.price, currency: p.currency, url: p.url, imageUrl: p.imageUrl, inStock: p.inStock,
    attributes: { sku: p.sku, brand: p.brand, audience: p.audience, color: p.color, sizes: p.sizes, ...(p.salePrice !== undefined ? { sale_price: p.salePrice } : {}) },
  };
}
