import { TailorError } from '../../core/errors.ts';
import type { BlockRecord, TemplateRecord, TemplateStore, TemplateVersion } from '../../core/content/ports.ts';
import { fromJson, toInt, toJson } from '../sql/codec.ts';
import type { Database, SqlRunner } from '../sql/database.ts';
import { sqliteDoc } from '../../core/segments/compile-comparison.ts';

function rowToTemplate(r: Record<string, unknown>): TemplateRecord {
  return {
    id: r.id as string, name: r.name as string, kind: r.kind as TemplateRecord['kind'], description: (r.description as string | null) ?? null,
    tracking: r.tracking === undefined || r.tracking === null || Number(r.tracking) === 1, version: toInt(r.version), createdAt: toInt(r.created_at), updatedAt: toInt(r.updated_at),
  };
}

function rowToVersion(r: Record<string, unknown>): TemplateVersion {
  return {
    templateId: r.template_id as string, version: toInt(r.version), subject: r.subject as string, preheader: r.preheader as string,
    body: r.body as string, format: r.format as TemplateVersion['format'], compiled: fromJson(r.compiled), createdAt: toInt(r.created_at),
  };
}

const rowToBlock = (r: Record<string, unknown>): BlockRecord => ({
  name: r.name as string, kind: r.kind as BlockRecord['kind'], body: r.body as string, description: (r.description as string | null) ?? null, updatedAt: toInt(r.updated_at),
});

/** Share of live profiles holding a trait key; one pass over profiles for all keys. */
async function traitCoverage(sql: SqlRunner, keys: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (!keys.length) return out;
  // jsonb_exists is the function behind jsonb's `?` operator, which would collide with placeholders.
  const has = sql.dialect === 'postgres' ? 'jsonb_exists(traits, ?::text)' : `json_type(${sqliteDoc('traits')}, ?) IS NOT NULL`;
  const select = keys.map((_, i) => `SUM(CASE WHEN ${has} THEN 1 ELSE 0 END) AS k${i}`).join(', ');
  const params = sql.dialect === 'postgres' ? keys : keys.map((k) => `$."${k}"`);
  const [row] = await sql.all(`SELECT COUNT(*) AS n, ${select} FROM profiles WHERE merged_into IS NULL`, params);
  const n = toInt(row!.n);
  keys.forEach((k, i) => out.set(k, n ? toInt(row![`k${i}`]) / n : 0));
  return out;
}

export function createTemplateStore(db: Database): TemplateStore {
  const read = <T>(fn: (sql: SqlRunner) => Promise<T>) => db.transaction(fn);
  return {
    list: () => read(async (sql) => (await sql.all('SELECT * FROM templates ORDER BY name')).map(rowToTemplate)),
    find: (idOrName) => read(async (sql) => {
      const rows = await sql.all('SELECT * FROM templates WHERE id = ? OR name = ? ORDER BY id = ? DESC LIMIT 1', [idOrName, idOrName, idOrName]);
      return rows.length ? rowToTemplate(rows[0]!) : null;
    }),
    save: (t, v) => db.transaction(async (sql) => {
      if ((await sql.all('SELECT 1 FROM templates WHERE name = ? AND id <> ?', [t.name, t.id])).length) {
        throw new TailorError('conflict', `a template named '${t.name}' already exists`, 'name');
      }
      await sql.run('DELETE FROM templates WHERE id = ?', [t.id]);
      await sql.run('INSERT INTO templates (id, name, kind, description, tracking, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [t.id, t.name, t.kind, t.description, t.tracking ? 1 : 0, t.version, t.createdAt, t.updatedAt]);
      if (v) {
        await sql.run('INSERT INTO template_versions (template_id, version, subject, preheader, body, format, compiled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          [v.templateId, v.version, v.subject, v.preheader, v.body, v.format, toJson(v.compiled), v.createdAt]);
      }
    }),
    version: (id, version) => read(async (sql) => {
      const rows = await sql.all('SELECT * FROM template_versions WHERE template_id = ? AND version = ?', [id, version]);
      return rows.length ? rowToVersion(rows[0]!) : null;
    }),
    versions: (id) => read(async (sql) => (await sql.all('SELECT version, created_at FROM template_versions WHERE template_id = ? ORDER BY version', [id]))
      .map((r) => ({ version: toInt(r.version), createdAt: toInt(r.created_at) }))),
    remove: (id) => db.transaction(async (sql) => {
      await sql.run('DELETE FROM template_versions WHERE template_id = ?', [id]);
      await sql.run('DELETE FROM templates WHERE id = ?', [id]);
    }),
    blocks: () => read(async (sql) => (await sql.all('SELECT * FROM template_blocks ORDER BY name')).map(rowToBlock)),
    saveBlock: (b) => db.transaction(async (sql) => {
      await sql.run('DELETE FROM template_blocks WHERE name = ?', [b.name]);
      await sql.run('INSERT INTO template_blocks (name, kind, description, body, updated_at) VALUES (?, ?, ?, ?, ?)', [b.name, b.kind, b.description, b.body, b.updatedAt]);
    }),
    removeBlock: (name) => db.transaction(async (sql) => void (await sql.run('DELETE FROM template_blocks WHERE name = ?', [name]))),
    traitCoverage: (keys) => read((sql) => traitCoverage(sql, keys)),
  };
}
