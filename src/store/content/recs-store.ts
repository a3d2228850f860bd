import { ORDER_EVENT } from '../../core/features/catalog.ts';
import { INTERACTION_EVENTS, orderProductIds, productId, type Interaction } from '../../core/content/recommendations/interactions.ts';
import type { Membership, SegmentPopular } from '../../core/content/recommendations/popularity.ts';
import type { ProfileRecs, RecsPort, StoredRecsModel } from '../../core/content/recommendations/ports.ts';
import type { CatalogItem } from '../../core/content/recommendations/recommend.ts';
import { byScore, type Scored } from '../../core/content/recommendations/scoring.ts';
import type { Neighbour, Neighbours } from '../../core/content/recommendations/similarity.ts';
import { writeRows, type Column } from '../sql/bulk-write.ts';
import { fromJson, toInt, toJson, toTs } from '../sql/codec.ts';
import type { Database } from '../sql/database.ts';
import { inIds } from '../sql/id-list.ts';
import { sqliteDoc } from '../../core/segments/compile-comparison.ts';


const PAGE = 20_000;
const CHUNK = 5000;
const NAMES = Object.keys(INTERACTION_EVENTS);

/** The product id of a view or add in SQL; orders carry a products[] array, read in JS (orderProductIds). */
const PRODUCT_ID = { sqlite: `${sqliteDoc('properties')} ->> '$.product_id'`, postgres: "properties ->> 'product_id'" };
/** Epoch ms: SQLite stores it already; on PostgreSQL a plain number rather than a Date per row. */
const TS = { sqlite: 'timestamp', postgres: '(EXTRACT(EPOCH FROM timestamp) * 1000)::float8' };

const SIM_COLS: Column[] = [{ name: 'item_id', pgType: 'text' }, { name: 'neighbour_id', pgType: 'text' }, { name: 'score', pgType: 'float8' }];
const LIST_COLS: Column[] = [{ name: 'profile_id', pgType: 'text' }, { name: 'items', pgType: 'jsonb' },
  { name: 'model', pgType: 'text' }, { name: 'computed_at', pgType: 'bigint' }];

interface EventRow { id: number; p: string; n: string; ts: number; pid: unknown; props: unknown }

/** A stored list entry: the product id, its score and why it is there. */
export interface StoredItem { id: string; score: number; reason: string }

export function createRecsStore(db: Database): RecsPort {
  const d = db.dialect;
  return {
    async *interactions(to, profileIds) {
      const who = profileIds ? inIds(db, 'profile_id', profileIds) : null;
      const text = `SELECT id, profile_id AS p, name AS n, ${TS[d]} AS ts, ${PRODUCT_ID[d]} AS pid,
          CASE WHEN name = ? THEN properties END AS props
        FROM events WHERE type = 'track' AND name IN (?, ?, ?) AND timestamp <= ? AND id > ? ${who ? `AND ${who.where}` : ''}
        ORDER BY id LIMIT ?`;
      for (let after = 0; ;) {
        const rows = await db.read<EventRow>(text, [ORDER_EVENT, ...NAMES, toTs(d, to), after, ...(who ? [who.param] : []), PAGE]);
        if (!rows.length) return;
        after = toInt(rows[rows.length - 1]!.id);
        yield rows.flatMap(toInteractions);
        if (rows.length < PAGE) return;
      }
    },

    async lastInteractionAt() {
      const [row] = await db.read<{ t: unknown }>(`SELECT ${d === 'postgres' ? '(EXTRACT(EPOCH FROM MAX(timestamp)) * 1000)::float8' : 'MAX(timestamp)'} AS t
        FROM events WHERE type = 'track' AND name IN (?, ?, ?)`, NAMES);
      return row?.t === null || row?.t === undefined ? null : Math.round(Number(row.t));
    },

    async catalog(): Promise<CatalogItem[]> {
      return (await db.read('SELECT id, category, in_stock FROM products')).map((r) => ({
        id: r.id as string, category: (r.category as string | null) ?? null, inStock: Number(r.in_stock) !== 0,
      }));
    },

    async memberships(at, profileIds): Promise<Membership[]> {
      const who = profileIds ? inIds(db, 'profile_id', profileIds) : null;
      const rows = await db.read(`SELECT segment_id, profile_id FROM segment_memberships
        WHERE entered_at <= ? AND (exited_at IS NULL OR exited_at > ?) ${who ? `AND ${who.where}` : ''}`, [at, at, ...(who ? [who.param] : [])]);
      return rows.map((r) => ({ segmentId: r.segment_id as string, profileId: r.profile_id as string }));
    },

    async *profilePages(size) {
      for (let after = ''; ;) {
        const ids = (await db.read<{ id: string }>('SELECT id FROM profiles WHERE merged_into IS NULL AND id > ? ORDER BY id LIMIT ?', [after, size]))
          .map((r) => r.id);
        if (!ids.length) return;
        yield ids;
        if (ids.length < size) return;
        after = ids[ids.length - 1]!;
      }
    },

    async liveProfiles(ids) {
      if (!ids.length) return [];
      const who = inIds(db, 'id', ids);
      return (await db.read<{ id: string }>(`SELECT id FROM profiles WHERE merged_into IS NULL AND ${who.where}`, [who.param])).map((r) => r.id);
    },

    saveModel: (m) => db.transaction(async (sql) => {
      await sql.run('DELETE FROM item_similarities');
      const rows: unknown[][] = [];
      for (const [item, list] of m.neighbours) for (const n of list) rows.push([item, n.item, n.sim]);
      for (let i = 0; i < rows.length; i += CHUNK) await writeRows(sql, 'item_similarities', SIM_COLS, rows.slice(i, i + CHUNK));
      await sql.run('DELETE FROM recs_models WHERE name = ?', [m.name]);
      await sql.run('INSERT INTO recs_models (name, as_of, computed_at, popular, segments) VALUES (?, ?, ?, ?, ?)',
        [m.name, m.asOf, m.computedAt, toJson(m.popular), toJson(m.segments)]);
    }),

    async loadModel(): Promise<StoredRecsModel | null> {
      const [row] = await db.read('SELECT * FROM recs_models ORDER BY computed_at DESC LIMIT 1');
      if (!row) return null;
      const neighbours: Neighbours = new Map();
      for (const r of await db.read('SELECT item_id, neighbour_id, score FROM item_similarities')) {
        const list = neighbours.get(r.item_id as string) ?? [];
        list.push({ item: r.neighbour_id as string, sim: Number(r.score) });
        neighbours.set(r.item_id as string, list);
      }
      // Sorted here, not in SQL: PostgreSQL's collation may order ties differently from JavaScript.
      const bySim = (a: Neighbour, b: Neighbour) => byScore({ item: a.item, score: a.sim }, { item: b.item, score: b.sim });
      for (const list of neighbours.values()) list.sort(bySim);
      return {
        name: row.name as string, asOf: toInt(row.as_of), computedAt: toInt(row.computed_at), neighbours,
        popular: fromJson<Scored[]>(row.popular), segments: fromJson<SegmentPopular[]>(row.segments),
      };
    },

    saveLists: (lists, model, at, remove = []) => db.transaction(async (sql) => {
      for (let i = 0; i < remove.length; i += CHUNK) {
        const gone = inIds(sql, 'profile_id', remove.slice(i, i + CHUNK));
        await sql.run(`DELETE FROM profile_recommendations WHERE ${gone.where}`, [gone.param]);
      }
      for (let i = 0; i < lists.length; i += CHUNK) {
        await writeRows(sql, 'profile_recommendations', LIST_COLS, lists.slice(i, i + CHUNK).map((l) => [l.profileId, toJson(stored(l)), model, at]),
          'ON CONFLICT (profile_id) DO UPDATE SET items = excluded.items, model = excluded.model, computed_at = excluded.computed_at');
      }
    }),

    prune: () => db.transaction((sql) => sql.run(`DELETE FROM profile_recommendations
      WHERE profile_id NOT IN (SELECT id FROM profiles WHERE merged_into IS NULL)`)),
  };
}

const stored = (l: ProfileRecs): StoredItem[] => l.items.map((r) => ({ id: r.item, score: r.score, reason: r.reason }));

function toInteractions(r: EventRow): Interaction[] {
  const kind = INTERACTION_EVENTS[r.n];
  if (!kind) return [];
  const at = Math.round(Number(r.ts));
  if (kind === 'purchase') {
    return [...new Set(orderProductIds(fromJson(r.props)))].map((productId) => ({ profileId: r.p, productId, kind, at }));
  }
  const id = productId(r.pid);
  return id === null ? [] : [{ profileId: r.p, productId: id, kind, at }];
}
