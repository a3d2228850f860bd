import type { Config } from '../config.ts';
import type { Clock } from '../core/ports.ts';
import type { Database } from '../store/sql/database.ts';

/** What every feature's wiring gets from the composition root (src/main.ts). */
export interface Base {
  config: Config;
  db: Database;
  clock: Clock;
  now: () => number;
  newId: () => string;
  /** Background failures (real-time updates, schedulers): logged, never thrown at a request. */
  onError: (e: unknown) => void;
}
