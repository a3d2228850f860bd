/**
 * Item-item cosine similarity over the implicit item × profile matrix (ProfileItems):
 *
 *   sim(i, j) = Σ_u w(u,i)·w(u,j) / (‖w(·,i)‖ · ‖w(·,j)‖)
 *
 * where w(u,i) is profile u's decayed interaction weight on item i. Views, adds and purchases share
 * one matrix, so co-view and co-purchase both count, purchases the most. Only each item's TOP_K most
 * similar items are kept: scoring needs no more, and storage stays linear in the catalogue.
 *
 * Hand-written because no maintained JavaScript library does implicit-feedback item-item CF (the
 * npm packages are unmaintained user-user toys or explicit-rating matrix factorisation). The method is
 * short: an inverted index (item → the profiles that touched it) and, per item, one dense scratch
 * accumulator over the items those profiles touched. Cost is Σ_u n_u² for n_u items per profile, and
 * memory is the matrix plus two arrays the size of the catalogue.
 */
export interface Neighbour { item: string; sim: number }
/** item → its most similar items, best first (ties by item id, so results do not depend on input order). */
export type Neighbours = Map<string, Neighbour[]>;

export const TOP_K = 50;

export function itemCosine(rows: Iterable<ReadonlyMap<string, number>>, topK = TOP_K): Neighbours {
  const index = new Map<string, number>();
  const names: string[] = [];
  const users: { items: Int32Array; w: Float64Array }[] = [];
  for (const row of rows) {
    const items = new Int32Array(row.size);
    const w = new Float64Array(row.size);
    let n = 0;
    for (const [item, weight] of row) {
      if (!(weight > 0)) continue;
      let k = index.get(item);
      if (k === undefined) {
        index.set(item, (k = names.length));
        names.push(item);
      }
      items[n] = k;
      w[n++] = weight;
    }
    if (n) users.push({ items: items.subarray(0, n), w: w.subarray(0, n) });
  }

  const m = names.length;
  const norm = new Float64Array(m);
  const byItem: { u: number; w: number }[][] = names.map(() => []);
  users.forEach((u, ui) => {
    for (let k = 0; k < u.items.length; k++) {
      const i = u.items[k]!;
      norm[i] = norm[i]! + u.w[k]! ** 2;
      byItem[i]!.push({ u: ui, w: u.w[k]! });
    }
  });
  for (let i = 0; i < m; i++) norm[i] = Math.sqrt(norm[i]!);

  const acc = new Float64Array(m);
  const seen = new Uint8Array(m);
  const touched: number[] = [];
  const out: Neighbours = new Map();
  for (let i = 0; i < m; i++) {
    for (const { u, w } of byItem[i]!) {
      const user = users[u]!;
      for (let k = 0; k < user.items.length; k++) {
        const j = user.items[k]!;
        if (j === i) continue;
        if (!seen[j]) {
          seen[j] = 1;
          touched.push(j);
        }
        acc[j] = acc[j]! + w * user.w[k]!;
      }
    }
    const list: Neighbour[] = touched.map((j) => ({ item: names[j]!, sim: acc[j]! / (norm[i]! * norm[j]!) }));
    for (const j of touched) {
      acc[j] = 0;
      seen[j] = 0;
    }
    touched.length = 0;
    list.sort(byScore);
    if (list.length) out.set(names[i]!, list.slice(0, topK));
  }
  return out;
}

const byScore = (a: Neighbour, b: Neighbour) => b.sim - a.sim || (a.item < b.item ? -1 : a.item > b.item ? 1 : 0);
