import type { Database } from '../sql/database.ts';

/**
 * The preference topics recipients can choose from: the distinct `topic` of every campaign's spec
 * (a JSON column; the JSON access differs per dialect, DESIGN.md's first trap). Campaigns are few,
 * so one small query per preferences page.
 */
export function createTopicQueries(db: Database): { topics(): Promise<string[]> } {
  const sql = db.dialect === 'sqlite'
    ? `SELECT DISTINCT json_extract(spec, '$.topic') AS topic FROM campaigns WHERE json_valid(spec) AND json_type(spec, '$.topic') = 'text'`
    : `SELECT DISTINCT spec->>'topic' AS topic FROM campaigns WHERE jsonb_typeof(spec->'topic') = 'string'`;
  return {
    topics: async () => (await db.read<{ topic: string }>(sql)).map((r) => r.topic).filter((t) => t !== '').sort(),
  };
}
