import { idValue, restValues, textValue } from './cell-values.ts';
import type { Columns } from './column-map.ts';
import { parseAmount } from './parse-number.ts';
import { bad, ok, type MapContext, type Mapped, type RowValues } from './types.ts';

/** A catalogue row as the products table holds it. */
export interface ProductRecord {
  id: string;
  name: string | null;
  category: string | null;
  price: number | null;
  currency: string | null;
  url: string | null;
  imageUrl: string | null;
  inStock: boolean;
  /** Every unmapped column (brand, colour, …). */
  attributes: Record<string, unknown>;
}

const YES = new Set(['true', '1', 'yes', 'y', 'in stock', 'instock', 'available']);
const NO = new Set(['false', '0', 'no', 'n', 'out of stock', 'outofstock', 'unavailable']);
const CURRENCY = /^[A-Za-z]{3}$/;

export function mapProduct(row: RowValues, cols: Columns, ctx: MapContext): Mapped<ProductRecord> {
  const id = idValue(cols.get(row, 'id'), 'id');
  if (!id.ok) return id;
  if (!id.value) return bad(`missing product id (column '${cols.source('id')}')`);
  let price: number | null = null;
  const p = cols.get(row, 'price');
  if (p !== undefined && p !== null && p !== '') {
    const n = parseAmount(p, 'price');
    if (!n.ok) return n;
    price = n.value;
  }
  const currency = textValue(cols.get(row, 'currency')) ?? ctx.currency ?? null;
  if (currency !== null && !CURRENCY.test(currency)) return bad(`currency is not a three-letter ISO 4217 code: ${JSON.stringify(currency)}`);
  let inStock = true;
  const s = cols.get(row, 'inStock');
  if (typeof s === 'boolean') inStock = s;
  else if (s !== undefined && s !== null && s !== '') {
    const k = String(s).trim().toLowerCase();
    if (YES.has(k)) inStock = true;
    else if (NO.has(k)) inStock = false;
    else return bad(`inStock is not yes/no: ${JSON.stringify(s)}`);
  }
  return ok({
    id: id.value,
    name: textValue(cols.get(row, 'name')) ?? null,
    category: textValue(cols.get(row, 'category')) ?? null,
    price,
    currency: currency?.toUpperCase() ?? null,
    url: textValue(cols.get(row, 'url')) ?? null,
    imageUrl: textValue(cols.get(row, 'imageUrl')) ?? null,
    inStock,
    attributes: restValues(row, cols, ctx.inferTypes),
  });
}
