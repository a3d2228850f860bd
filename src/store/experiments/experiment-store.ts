import type { Decision } from '../../core/experiments/decide.ts';
import type { Group } from '../../core/experiments/design.ts';
import type { Assignment, ExperimentRecord, ExperimentStore, Observed } from '../../core/experiments/ports.ts';
import type { SequentialState } from '../../core/experiments/results.ts';
import { OUTCOME_EVENTS, OutcomeTally, recipientOutcome, type OutcomeEvent } from '../../core/experiments/recipient-outcome.ts';
import { TailorError } from '../../core/errors.ts';
import type { ArmCounts } from '../../core/schemas/experiment.ts';
import { writeRows, type Column } from '../sql/bulk-write.ts';
import { fromJson, fromTs, toInt, toJson, toTs } from '../sql/codec.ts';
import type { Database, SqlRunner } from '../sql/database.ts';
import { inIds } from '../sql/id-list.ts';

const c = (name: string, pgType: string): Column => ({ name, pgType });
const ASSIGNMENT_COLS = [c('experiment_id', 'text'), c('profile_id', 'text'), c('grp', 'text'), c('arm', 'text'), c('sent_at', 'bigint')];
const CHUNK = 5000;
const HOUR_MS = 3_600_000;

const intOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : toInt(v));

function rowToRecord(r: Record<string, unknown>): ExperimentRecord {
  return {
    id: r.id as string,
    name: r.name as string,
    spec: fromJson(r.spec),
    salt: r.salt as string,
    status: r.status as ExperimentRecord['status'],
    startedAt: intOrNull(r.started_at),
    decideAt: intOrNull(r.decide_at),
    decidedAt: intOrNull(r.decided_at),
    decision: fromJson<Decision | null>(r.decision),
    sequential: fromJson(r.sequential),
    createdAt: toInt(r.created_at),
    updatedAt: toInt(r.updated_at),
  };
}

const recordParams = (r: ExperimentRecord): unknown[] => [
  r.name, toJson(r.spec), r.status, r.startedAt, r.decideAt, r.decidedAt, r.decision ? toJson(r.decision) : null,
  toJson(r.sequential), r.updatedAt, r.id,
];
const UPDATE = `UPDATE experiments SET name = ?, spec = ?, status = ?, started_at = ?, decide_at = ?, decided_at = ?,
  decision = ?, sequential = ?, updated_at = ? WHERE id = ?`;

async function nameTaken(sql: SqlRunner, r: ExperimentRecord): Promise<void> {
  const clash = await sql.all('SELECT id FROM experiments WHERE name = ? AND id <> ?', [r.name, r.id]);
  if (clash.length) throw new TailorError('conflict', `an experiment named '${r.name}' already exists`, 'name');
}

export function createExperimentStore(db: Database): ExperimentStore {
  const read = <T>(fn: (sql: SqlRunner) => Promise<T>) => db.transaction(fn);
  return {
    list: () => read(async (sql) => (await sql.all('SELECT * FROM experiments ORDER BY name')).map(rowToRecord)),

    find: (idOrName) => read(async (sql) => {
      const rows = await sql.all('SELECT * FROM experiments WHERE id = ? OR name = ? ORDER BY id = ? DESC LIMIT 1', [idOrName, idOrName, idOrName]);
      return rows.length ? rowToRecord(rows[0]!) : null;
    }),

    insert: (r) => db.transaction(async (sql) => {
      await nameTaken(sql, r);
      await sql.run(`INSERT INTO experiments (name, spec, status, started_at, decide_at, decided_at, decision, sequential, updated_at, id, salt, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [...recordParams(r), r.salt, r.createdAt]);
    }),

    update: (r) => db.transaction(async (sql) => {
      await nameTaken(sql, r);
      await sql.run(UPDATE, recordParams(r));
    }),

    remove: (id) => db.transaction(async (sql) => {
      for (const t of ['experiment_assignments', 'experiment_counts']) await sql.run(`DELETE FROM ${t} WHERE experiment_id = ?`, [id]);
      await sql.run('DELETE FROM experiments WHERE id = ?', [id]);
    }),

    saveLook: (id, state, at) => db.transaction(async (sql) => {
      const [row] = await sql.all('SELECT sequential FROM experiments WHERE id = ?', [id]);
      const stored = row ? fromJson<SequentialState>(row.sequential) : { looks: 0, p: {} };
      const p = { ...stored.p };
      for (const [k, v] of Object.entries(state.p)) p[k] = Math.min(v, p[k] ?? 1);
      const merged = { looks: Math.max(stored.looks, state.looks), p };
      await sql.run('UPDATE experiments SET sequential = ?, updated_at = ? WHERE id = ?', [toJson(merged), at, id]);
      return merged;
    }, { retries: 3 }),

    start: (r, assignments) => db.transaction(async (sql) => {
      await sql.run(UPDATE, recordParams(r));
      for (let i = 0; i < assignments.length; i += CHUNK) {
        const rows = assignments.slice(i, i + CHUNK).map((a) => [r.id, a.profileId, a.group, a.arm, a.sentAt]);
        await writeRows(sql, 'experiment_assignments', ASSIGNMENT_COLS, rows);
      }
    }),

    rollout: (r, arm, at) => db.transaction(async (sql) => {
      // Only a running experiment is decided: another process may have decided it meanwhile.
      if (await sql.run(`${UPDATE} AND status = 'testing'`, recordParams(r)) === 0) {
        throw new TailorError('conflict', `experiment '${r.name}' is no longer running: it was decided elsewhere`, 'experiment');
      }
      return sql.run("UPDATE experiment_assignments SET arm = ?, sent_at = ? WHERE experiment_id = ? AND grp = 'rest'", [arm, at, r.id]);
    }),

    assignments: (id, page) => read(async (sql) => {
      const params: unknown[] = [id];
      let where = 'experiment_id = ?';
      if (page.group) { where += ' AND grp = ?'; params.push(page.group); }
      if (page.cursor) { where += ' AND profile_id > ?'; params.push(page.cursor); }
      const rows = await sql.all(`SELECT profile_id, grp, arm, sent_at FROM experiment_assignments WHERE ${where}
        ORDER BY profile_id LIMIT ?`, [...params, page.limit + 1]);
      const list: Assignment[] = rows.slice(0, page.limit).map((x) => ({
        profileId: x.profile_id as string, group: x.grp as Group, arm: (x.arm as string | null) ?? null, sentAt: intOrNull(x.sent_at),
      }));
      return { assignments: list, nextCursor: rows.length > page.limit ? list[list.length - 1]!.profileId : null };
    }),

    groupSizes: (id) => read(async (sql) => {
      const out: Record<Group, number> = { holdout: 0, test: 0, rest: 0 };
      for (const x of await sql.all('SELECT grp, COUNT(*) AS n FROM experiment_assignments WHERE experiment_id = ? GROUP BY grp', [id])) {
        out[x.grp as Group] = toInt(x.n);
      }
      return out;
    }),

    setCounts: (id, counts, at) => db.transaction(async (sql) => {
      for (const k of counts) {
        await sql.run('DELETE FROM experiment_counts WHERE experiment_id = ? AND arm = ?', [id, k.key]);
        await sql.run('INSERT INTO experiment_counts (experiment_id, arm, counts, recorded_at) VALUES (?, ?, ?, ?)', [id, k.key, toJson(k), at]);
      }
    }),

    counts: (id) => read(async (sql) =>
      (await sql.all('SELECT counts FROM experiment_counts WHERE experiment_id = ? ORDER BY arm', [id])).map((x) => fromJson<ArmCounts>(x.counts))),

    observe: (r) => read((sql) => observe(sql, r)),
  };
}

/**
 * Reads the sent test-group and holdout assignments in pages, with each page's outcome events
 * (one indexed query per page), and tallies what each recipient did. The rest group, which got the
 * winner after the decision, is not part of the comparison.
 */
async function observe(sql: SqlRunner, r: ExperimentRecord): Promise<Observed> {
  const tally = new OutcomeTally();
  const attributionMs = r.spec.attributionHours * HOUR_MS;
  const names = inIds(sql, 'name', OUTCOME_EVENTS);
  let cursor = '';
  for (;;) {
    const page = await sql.all(`SELECT profile_id, grp, arm, sent_at FROM experiment_assignments
      WHERE experiment_id = ? AND grp IN ('test', 'holdout') AND sent_at IS NOT NULL AND profile_id > ? ORDER BY profile_id LIMIT ?`, [r.id, cursor, CHUNK]);
    if (!page.length) break;
    cursor = page[page.length - 1]!.profile_id as string;
    const ids = page.map((x) => x.profile_id as string);
    // A recipient merged into another profile since the send: their events now live on the survivor.
    const assigned = inIds(sql, 'id', ids);
    const survivor = new Map((await sql.all(`SELECT id, merged_into FROM profiles WHERE ${assigned.where} AND merged_into IS NOT NULL`, [assigned.param]))
      .map((x) => [x.id as string, x.merged_into as string]));
    const live = (id: string) => survivor.get(id) ?? id;
    const from = Math.min(...page.map((x) => toInt(x.sent_at)));
    const who = inIds(sql, 'profile_id', [...new Set(ids.map(live))]);
    const events = await sql.all(`SELECT profile_id, name, timestamp, properties FROM events
      WHERE ${who.where} AND ${names.where} AND timestamp >= ?`, [who.param, names.param, toTs(sql.dialect, from)]);
    const byProfile = new Map<string, OutcomeEvent[]>();
    for (const e of events) {
      const list = byProfile.get(e.profile_id as string) ?? [];
      list.push({ name: e.name as string, timestamp: fromTs(e.timestamp), properties: fromJson(e.properties) });
      byProfile.set(e.profile_id as string, list);
    }
    for (const x of page) {
      const outcome = recipientOutcome(byProfile.get(live(x.profile_id as string)) ?? [], r.id, toInt(x.sent_at), attributionMs);
      tally.add(x.grp as Group, (x.arm as string | null) ?? null, outcome);
    }
  }
  return tally.result();
}
