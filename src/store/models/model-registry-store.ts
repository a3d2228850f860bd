import { randomUUID } from 'node:crypto';
import type { ModelKindName, ModelRecord, NewModel, RegistryPort, ScoreRun } from '../../core/ml/registry.ts';
import { fromJson, toInt, toJson } from '../sql/codec.ts';
import type { Database } from '../sql/database.ts';

const SUMMARY = 'id, name, version, kind, target, algo, status, spec, metrics, data_window, last_score, created_at';

function toRecord(r: Record<string, unknown>): ModelRecord {
  return {
    id: r.id as string,
    name: r.name as string,
    version: toInt(r.version),
    kind: r.kind as ModelKindName,
    target: r.target as string,
    algo: r.algo as string,
    status: r.status as ModelRecord['status'],
    spec: fromJson(r.spec),
    metrics: fromJson(r.metrics),
    artifact: r.artifact === undefined ? null : fromJson(r.artifact),
    dataWindow: fromJson(r.data_window),
    baseline: r.baseline === undefined ? null : fromJson(r.baseline),
    lastScore: fromJson(r.last_score),
    createdAt: toInt(r.created_at),
  };
}

/** The model registry (table `models`, migration 007): immutable versions per name, the newest active. */
export function createModelRegistry(db: Database): RegistryPort {
  return {
    save: <S, M, A>(m: NewModel<S, M, A>) => db.transaction(async (sql) => {
      const [last] = await sql.all<{ v: unknown }>('SELECT MAX(version) AS v FROM models WHERE name = ?', [m.name]);
      const version = toInt(last?.v ?? 0) + 1;
      const id = randomUUID();
      await sql.run("UPDATE models SET status = 'superseded' WHERE name = ? AND status = 'active'", [m.name]);
      await sql.run(`INSERT INTO models (id, name, version, kind, target, algo, status, spec, metrics, artifact, data_window, baseline, last_score, created_at)
        VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, NULL, ?)`,
      [id, m.name, version, m.kind, m.target, m.algo, toJson(m.spec), toJson(m.metrics), toJson(m.artifact), toJson(m.dataWindow),
        m.baseline ? toJson(m.baseline) : null, m.createdAt]);
      return { ...m, id, version, status: 'active' as const, lastScore: null };
    }, { retries: 5 }),

    list: (filter = {}) => db.transaction(async (sql) => {
      const where: string[] = [];
      const params: unknown[] = [];
      if (filter.name) { where.push('name = ?'); params.push(filter.name); }
      if (filter.kind) { where.push('kind = ?'); params.push(filter.kind); }
      const rows = await sql.all(`SELECT ${SUMMARY} FROM models ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, name, version DESC`, params);
      return rows.map(toRecord);
    }),

    get: (ref) => db.transaction(async (sql) => {
      const at = /^(.+)@(\d+)$/.exec(ref);
      const rows = at
        ? await sql.all('SELECT * FROM models WHERE name = ? AND version = ?', [at[1], Number(at[2])])
        : await sql.all("SELECT * FROM models WHERE id = ? OR (name = ? AND status = 'active') ORDER BY id = ? DESC LIMIT 1", [ref, ref, ref]);
      return rows.length ? toRecord(rows[0]!) : null;
    }),

    setLastScore: async (id: string, run: ScoreRun) => {
      await db.transaction((sql) => sql.run('UPDATE models SET last_score = ? WHERE id = ?', [toJson(run), id]), { retries: 5 });
    },
  };
}
