import type { ProductRecord } from '../../core/imports/map-product.ts';
import { stableStringify } from '../../core/imports/stable-hash.ts';
import { writeRows, type Column } from '../sql/bulk-write.ts';
import { fromJson, toJson, toTs } from '../sql/codec.ts';
import type { Database, SqlRunner } from '../sql/database.ts';
import type { ProductsPort, ProductUpsertResult } from '../../core/imports/ports.ts';

const COLS: Column[] = [
  { name: 'id', pgType: 'text' }, { name: 'name', pgType: 'text' }, { name: 'category', pgType: 'text' },
  { name: 'price', pgType: 'float8' }, { name: 'currency', pgType: 'text' }, { name: 'url', pgType: 'text' },
  { name: 'image_url', pgType: 'text' }, { name: 'in_stock', pgType: 'integer' }, { name: 'attributes', pgType: 'jsonb' },
  { name: 'updated_at', pgType: 'timestamptz' },
];

/** Comparable content of a product (jsonb re-orders keys, so attributes are compared in a canonical form). */
const fingerprint = (p: ProductRecord) =>
  stableStringify([p.name, p.category, p.price, p.currency, p.url, p.imageUrl, p.inStock, p.attributes]);

/** A products row as a ProductRecord (also used to serve recommendations). */
export function productFromRow(r: Record<string, unknown>): ProductRecord {
  return {
    id: r.id as string,
    name: (r.name as string | null) ?? null,
    category: (r.category as string | null) ?? null,
    price: r.price === null || r.price === undefined ? null : Number(r.price),
    currency: (r.currency as string | null) ?? null,
    url: (r.url as string | null) ?? null,
    imageUrl: (r.image_url as string | null) ?? null,
    inStock: Number(r.in_stock) !== 0,
    attributes: fromJson<Record<string, unknown>>(r.attributes) ?? {},
  };
}

async function loadExisting(sql: SqlRunner, ids: string[]): Promise<Map<string, string>> {
  const rows = sql.dialect === 'postgres'
    ? await sql.all('SELECT * FROM products WHERE id = ANY(?::text[])', [ids])
    : await sql.all('SELECT * FROM products WHERE id IN (SELECT value FROM json_each(?))', [JSON.stringify(ids)]);
  return new Map(rows.map((r) => [r.id as string, fingerprint(productFromRow(r))]));
}

/**
 * Upserts a chunk of catalogue rows in one transaction. Each row is compared with what is stored (or
 * with an earlier row of the same chunk): new rows are inserted, changed rows updated, identical rows
 * only counted, so that a re-import writes nothing and says so.
 */
export async function upsertProducts(db: Database, products: ProductRecord[], now: number): Promise<ProductUpsertResult> {
  if (products.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  return db.transaction(async (sql) => {
    const known = await loadExisting(sql, [...new Set(products.map((p) => p.id))]);
    const out: ProductUpsertResult = { inserted: 0, updated: 0, unchanged: 0 };
    const write = new Map<string, ProductRecord>();
    for (const p of products) {
      const f = fingerprint(p);
      const before = known.get(p.id);
      if (before === undefined) out.inserted++;
      else if (before === f) {
        out.unchanged++;
        continue;
      } else out.updated++;
      known.set(p.id, f);
      write.set(p.id, p);
    }
    const ts = toTs(sql.dialect, now);
    await writeRows(sql, 'products', COLS, [...write.values()].map((p) => [
      p.id, p.name, p.category, p.price, p.currency, p.url, p.imageUrl, p.inStock ? 1 : 0, toJson(p.attributes), ts,
    ]), `ON CONFLICT (id) DO UPDATE SET name = excluded.name, category = excluded.category, price = excluded.price,
      currency = excluded.currency, url = excluded.url, image_url = excluded.image_url, in_stock = excluded.in_stock,
      attributes = excluded.attributes, updated_at = excluded.updated_at`);
    return out;
  }, { retries: 5 });
}

export function createProductStore(db: Database): ProductsPort {
  return { upsert: (products, now) => upsertProducts(db, products, now) };
}
