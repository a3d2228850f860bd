import { TailorError } from '../errors.ts';
import type { ImportKind, RowValues } from './types.ts';

const ids = {
  userId: ['userId', 'user_id'],
  anonymousId: ['anonymousId', 'anonymous_id'],
  email: ['email'],
  timestamp: ['timestamp'],
};

/**
 * The fields each kind understands, with the column names used when `--map` does not name one.
 * Every column that is not consumed by a field becomes a trait, property or attribute.
 */
export const TARGETS: Record<ImportKind, Record<string, string[]>> = {
  profiles: { ...ids, traits: ['traits'] },
  events: { ...ids, event: ['event'], messageId: ['messageId', 'message_id'], properties: ['properties'], context: ['context'] },
  orders: {
    ...ids, orderId: ['orderId', 'order_id'], total: ['total'], revenue: ['revenue'], currency: ['currency'],
    productId: ['productId', 'product_id'], sku: ['sku'], name: ['name'], category: ['category'], price: ['price'], quantity: ['quantity'],
  },
  products: {
    id: ['id', 'productId', 'product_id', 'sku'], name: ['name'], category: ['category'], price: ['price'], currency: ['currency'],
    url: ['url'], imageUrl: ['imageUrl', 'image_url'], inStock: ['inStock', 'in_stock'],
  },
};

export type ColumnMap = Record<string, string>;

/** Parses `target=source,target=source` (or checks an object of the same) against the fields of `kind`. */
export function parseColumnMap(kind: ImportKind, spec: string | ColumnMap | undefined): ColumnMap {
  if (spec === undefined || spec === '') return {};
  const entries: [string, string][] = typeof spec === 'string'
    ? spec.split(',').map((part) => {
      const eq = part.indexOf('=');
      const target = part.slice(0, eq).trim();
      const source = part.slice(eq + 1).trim();
      if (eq < 0 || !target || !source) throw new TailorError('invalid_argument', `bad --map entry '${part.trim()}': expected target=source`, 'map');
      return [target, source];
    })
    : Object.entries(spec);
  const known = TARGETS[kind];
  const out: ColumnMap = {};
  for (const [target, source] of entries) {
    if (!Object.hasOwn(known, target)) {
      throw new TailorError('invalid_argument', `unknown --map target '${target}' for ${kind} (expected one of: ${Object.keys(known).join(', ')})`, 'map');
    }
    if (typeof source !== 'string' || source === '') throw new TailorError('invalid_argument', `--map ${target}: the source column name is empty`, 'map');
    out[target] = source;
  }
  return out;
}

/**
 * Finds each field's value in a row. Candidates are resolved once per import; a row is then read
 * with at most a few property look-ups per field, which keeps the per-row path cheap.
 */
export class Columns {
  private readonly candidates = new Map<string, string[]>();
  private readonly consumed = new Set<string>();

  constructor(kind: ImportKind, map: ColumnMap) {
    for (const [target, aliases] of Object.entries(TARGETS[kind])) {
      const c = map[target] !== undefined ? [map[target]!] : aliases;
      this.candidates.set(target, c);
      for (const name of c) this.consumed.add(name);
    }
  }

  /** The field's value: the first candidate column present in the row (undefined when none is). */
  get(row: RowValues, target: string): unknown {
    const c = this.candidates.get(target);
    if (!c) return undefined;
    for (let i = 0; i < c.length; i++) {
      const v = row[c[i]!];
      if (v !== undefined) return v;
    }
    return undefined;
  }

  /** Whether any candidate column of the field exists in the row (even when its cell is blank). */
  present(row: RowValues, target: string): boolean {
    return this.get(row, target) !== undefined;
  }

  /** The column a field reads, for messages: the mapped one, or the first default name. */
  source(target: string): string {
    return this.candidates.get(target)?.[0] ?? target;
  }

  /** Columns that no field consumes: they become traits, properties or attributes. */
  isRest(column: string): boolean {
    return !this.consumed.has(column);
  }
}
