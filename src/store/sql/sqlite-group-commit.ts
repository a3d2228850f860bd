import type SQLite from 'better-sqlite3';
import type { SqlRunner } from './sql-runner.ts';

interface Pending {
  fn: (sql: SqlRunner) => Promise<unknown>;
  /** The caller allows `fn` to run again (it has no effects outside the transaction). */
  retryable: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** At most this many transactions share one COMMIT (bounds the latency of the first of them). */
const MAX_GROUP = 64;

/**
 * Group commit for SQLite. Retryable transactions requested while the connection is busy (in
 * practice: ingest requests that arrived in the same turn of the event loop) run one after another
 * inside one BEGIN IMMEDIATE … COMMIT, and every promise settles only after that COMMIT: a caller
 * that answers after it (the HTTP 200) still answers after its data is durable. Each sees the
 * writes of those before it, exactly as if they had committed one after another. What is shared is
 * the commit: pages that every transaction touches (the tails of the events table and its indexes,
 * hot profile pages) go to the WAL once, and there are fewer commits.
 *
 * All or nothing per call: if one call fails, the whole group is rolled back and each call is run
 * again in a transaction of its own, so the failure stays with the call that caused it. That is why
 * only retryable calls are grouped (ingest declares retries; one-off writes run alone). Savepoints
 * per call would avoid the re-run but make SQLite keep a statement journal of every page the group
 * touches, which spills to a temp file and cost more than it saved.
 */
export class GroupCommit {
  private readonly queue: Pending[] = [];
  private scheduled = false;
  private running: Promise<void> | undefined;

  constructor(
    private readonly db: SQLite.Database,
    private readonly runner: SqlRunner,
    /** Holds the connection for the duration of one drain (serialises with Kysely's queries). */
    private readonly hold: (fn: () => Promise<void>) => Promise<void>,
  ) {}

  run<T>(fn: (sql: SqlRunner) => Promise<T>, retryable: boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, retryable, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Settles when every queued transaction has run. */
  async drain(): Promise<void> {
    while (this.running || this.queue.length) await (this.running ?? new Promise((r) => setImmediate(r)));
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate runs after the I/O callbacks of this loop turn, so requests that arrived
    // together are queued by then and share the commit.
    setImmediate(() => {
      this.running = this.hold(async () => {
        while (this.queue.length) await this.runGroup(this.takeGroup());
      }).catch((e: unknown) => {
        for (const p of this.queue.splice(0)) p.reject(e);
      }).finally(() => {
        this.running = undefined;
        this.scheduled = false;
        if (this.queue.length) this.schedule();
      });
    });
  }

  /** The next run of retryable calls (up to MAX_GROUP), or the next call alone. */
  private takeGroup(): Pending[] {
    let n = 1;
    if (this.queue[0]!.retryable) while (n < this.queue.length && n < MAX_GROUP && this.queue[n]!.retryable) n++;
    return this.queue.splice(0, n);
  }

  private async runGroup(group: Pending[]): Promise<void> {
    const db = this.db;
    try {
      db.exec('BEGIN IMMEDIATE');
    } catch (e) {
      for (const p of group) p.reject(e);
      return;
    }
    const values: unknown[] = [];
    for (const p of group) {
      try {
        values.push(await p.fn(this.runner));
      } catch (e) {
        if (db.inTransaction) db.exec('ROLLBACK');
        if (group.length === 1) p.reject(e);
        else for (const q of group) await this.runGroup([q]);
        return;
      }
    }
    try {
      db.exec('COMMIT');
    } catch (e) {
      if (db.inTransaction) db.exec('ROLLBACK');
      for (const p of group) p.reject(e);
      return;
    }
    group.forEach((p, i) => p.resolve(values[i]));
  }
}
