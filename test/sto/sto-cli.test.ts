import { describe, expect, it } from 'vitest';
import { tempSqlite } from '../helpers/databases.ts';
import { tailorCli } from '../helpers/cli.ts';
import { msg, openTailor } from '../helpers/tailor.ts';

// `tailor sto fit|show|evaluate` through the command line, in JSON.

describe('tailor sto', () => {
  it('fits, shows a profile\'s local hours and evaluates (nothing to evaluate yet)', async () => {
    const db = tempSqlite();
    const t = await openTailor(db);
    const opens = [];
    // Ten human opens at 07:00 in Berlin (CEST, UTC+2) on weekdays of May 2026, and a bot click at another hour.
    for (const day of [4, 5, 6, 7, 8, 11, 12, 13, 14, 15]) {
      opens.push(msg({ type: 'track', userId: 'u1', event: 'Email Opened', timestamp: new Date(Date.UTC(2026, 4, day, 5, 0)).toISOString() }));
    }
    opens.push(msg({ type: 'track', userId: 'u1', event: 'Email Link Clicked', properties: { bot: true }, timestamp: '2026-05-12T15:00:00Z' }));
    await t.ingest([msg({ type: 'identify', userId: 'u1', traits: { email: 'u1@mail.test', timezone: 'Europe/Berlin' } }), ...opens]);
    await t.close();
    const tailor = async (...args: string[]) => JSON.parse((await tailorCli(['--db', db, 'sto', ...args])).stdout);

    const fit = await tailor('fit', '--as-of', '2026-06-01T00:00:00Z', '--group-by', 'none', '--json');
    expect(fit).toMatchObject({ profilesRead: 1, profilesWithHistory: 1, events: 10, groupBy: 'none', groups: 1 });
    const show = await tailor('show', 'u1', '--json');
    expect(show.counts[7]).toBe(10);
    expect(show.bestHour.weekday).toBe(7);
    const e = await tailor('evaluate', '--no-replay', '--json');
    expect(e.ips).toMatchObject({ sends: 0, recipients: 0, vsFixedHour: null });
    expect(e.replay).toBeNull();

    await expect(tailorCli(['--db', db, 'sto', 'fit', '--group-by', 'zodiac', '--json'])).rejects.toMatchObject({ code: 2 });
    await expect(tailorCli(['--db', db, 'sto', 'evaluate', '--campaign', 'nope', '--json'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('not_found') as unknown });
  });
});
