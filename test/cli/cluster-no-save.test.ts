import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rngFor } from '../../src/core/prng.ts';
import { ORDER_COMPLETED } from '../../src/core/tracking/email-event-names.ts';
import { tempDir, tempSqlite } from '../helpers/databases.ts';
import { tailorCli } from '../helpers/cli.ts';
import { msg, openTailor } from '../helpers/tailor.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2026-06-01T00:00:00Z');
const home = process.cwd();

/** 80 customers with 1–6 orders of varied size over a year. */
async function shop(): Promise<string> {
  const db = tempSqlite();
  const t = await openTailor(db, () => T0);
  const g = rngFor(5, 'cluster-no-save');
  const at = (ms: number) => new Date(ms).toISOString();
  const batch = [];
  for (let i = 0; i < 80; i++) {
    const userId = `u${i}`;
    for (let k = 0, n = 1 + g.int(0, 5); k < n; k++) {
      batch.push(msg({ type: 'track', event: ORDER_COMPLETED, userId, timestamp: at(T0 - g.int(1, 360) * DAY), properties: { revenue: 10 + g.int(0, 300) } }, T0));
    }
  }
  await t.ingest(batch);
  await t.close();
  return db;
}

describe('tailor cluster --no-save', () => {
  afterEach(() => process.chdir(home));

  it('writes nothing to disk unless --svg-dir names a folder', async () => {
    const db = await shop();
    const cwd = tempDir();
    process.chdir(cwd); // the default SVG folder is relative: .tailor/clusters
    const asOf = new Date(T0).toISOString();
    const dry = JSON.parse((await tailorCli(['--db', db, 'cluster', '--k', '3', '--as-of', asOf, '--no-save', '--json'])).stdout);
    expect(dry).toMatchObject({ model: null, saved: 0, svg: [], k: 3, profiles: 80 });
    expect(readdirSync(cwd)).toEqual([]);
    const text = (await tailorCli(['--db', db, 'cluster', '--k', '3', '--as-of', asOf, '--no-save'])).stdout;
    expect(text).toMatch(/^SVG not written \(--no-save; add --svg-dir <dir> to write it\)$/m);
    expect(text).toMatch(/^not saved \(--no-save\)$/m);
    expect(readdirSync(cwd)).toEqual([]);

    const dir = path.join(tempDir(), 'svg');
    const asked = JSON.parse((await tailorCli(['--db', db, 'cluster', '--k', '3', '--as-of', asOf, '--no-save', '--svg-dir', dir, '--json'])).stdout);
    expect(asked.svg).toEqual([path.join(dir, 'clusters-kmeans-pca.svg')]);
    expect(readFileSync(asked.svg[0], 'utf8')).toMatch(/^<svg/);
    // The same run as the dry one: the inertia printed is the same.
    expect(asked.inertia).toBe(dry.inertia);

    // Saving writes the SVG to the default folder, as before.
    const saved = JSON.parse((await tailorCli(['--db', db, 'cluster', '--k', '3', '--as-of', asOf, '--json'])).stdout);
    expect(saved.saved).toBe(80);
    expect(saved.svg).toEqual([path.join('.tailor', 'clusters', 'clusters-kmeans-pca.svg')]);
    expect(existsSync(path.join(cwd, saved.svg[0]))).toBe(true);
  }, 120_000);
});
