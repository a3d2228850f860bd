import fs from 'node:fs';
import { loadConfig, type Config } from '../../src/config.ts';
import { tempDir } from './databases.ts';
import { createTestTailor, type TestTailor } from './tailor.ts';

/** A Tailor on a fake clock (`clock.now`, ms, set by the test) that sends to an outbox folder of its own. */
export interface ClockedTailor { t: TestTailor; outbox: string; clock: { now: number } }

export async function clockedTailor(db: string, start: string, extra: Partial<Config> = {}): Promise<ClockedTailor> {
  const clock = { now: Date.parse(start) };
  const outbox = tempDir();
  const t = await createTestTailor(loadConfig({}, { db, outbox, ...extra }), { clock: { now: () => clock.now } });
  return { t, outbox, clock };
}

/** Runs the send loop until a round does nothing (everything due now is settled). */
export async function drainSends(t: TestTailor, rounds = 1000): Promise<void> {
  for (let i = 0; i < rounds; i++) if ((await t.campaigns.work.tick()) === 0) return;
  throw new Error('the send loop did not settle');
}

/** The .eml files in an outbox folder. */
export const outboxFiles = (dir: string): string[] => fs.readdirSync(dir).filter((f) => f.endsWith('.eml'));
