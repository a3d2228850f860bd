import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tailorCli } from '../helpers/cli.ts';
import { dialects } from '../helpers/databases.ts';
import { ADMIN_AUTH, jsonRequest, msg, openApp } from '../helpers/tailor.ts';

// Member exports are opened in spreadsheets, and user ids and emails come from anyone who can send
// an event. Guards, end to end on both dialects and through both exports (HTTP ?format=csv and
// `tailor segment members --csv`): values with commas, quotes and newlines survive a real CSV
// parser (csv-parse, not split(',')), and formula triggers are defused with a leading apostrophe.
// Tab and CR cannot start an id (ids are trimmed) or an email: src/core/csv-line.test.ts covers those.
const PEOPLE = [
  { userId: 'comma,inside', email: 'comma@example.com' },
  { userId: 'say "hi"', email: 'quote@example.com' },
  { userId: 'line1\nline2', email: 'newline@example.com' },
  { userId: '=HYPERLINK("http://evil.test","x")', email: '=cmd@example.com' },
  { userId: '+1+1', email: '+plus@example.com' },
  { userId: '-2+3', email: '-minus@example.com' },
  { userId: '@SUM(A1:A2)', email: 'at@example.com' },
  { userId: 'plain', email: null },
];
const defused = (s: string | null) => (s === null ? '' : /^[=+\-@]/.test(s) ? `'${s}` : s);
const expected = PEOPLE.map((p) => [p.userId, p.email]).map(([u, e]) => [defused(u!), defused(e ?? null)]).sort();

describe.each(dialects)('segment member CSV export on $name', ({ url }) => {
  let db: string;
  let h: Awaited<ReturnType<typeof openApp>>;
  let segmentId: string;
  beforeAll(async () => {
    db = await url();
    h = await openApp(db);
    await h.t.ingest(PEOPLE.map((p) => msg({ type: 'identify', userId: p.userId, traits: { tier: 'csv', ...(p.email ? { email: p.email } : {}) } })));
    const created = await jsonRequest(h.app, 'POST', '/v1/segments', { name: 'csv-people', rules: { trait: 'tier', op: 'eq', value: 'csv' } });
    expect(created.statusCode, created.body).toBe(201);
    segmentId = created.json().id as string;
  });
  afterAll(async () => h?.close());

  const check = (csv: string) => {
    const rows = parse(csv) as string[][];
    expect(rows[0]).toEqual(['profile_id', 'user_id', 'email', 'entered_at']);
    expect(rows.slice(1).every((r) => r.length === 4)).toBe(true);
    expect(rows.slice(1).map((r) => [r[1], r[2]]).sort()).toEqual(expected);
    expect(rows).toHaveLength(PEOPLE.length + 1);
  };

  it('GET /v1/segments/:id/members?format=csv', async () => {
    const r = await h.app.inject({ url: `/v1/segments/${segmentId}/members?format=csv`, headers: { authorization: ADMIN_AUTH } });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/csv/);
    check(r.body);
  });

  it('tailor segment members --csv', async () => {
    check((await tailorCli(['--db', db, 'segment', 'members', 'csv-people', '--csv'])).stdout);
  });
});
