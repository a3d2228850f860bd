import type { ChangeSubscriber } from '../core/ingest/change-subscriber.ts';
import type { TouchedProfile } from '../core/ingest/ingest-messages.ts';
import type { ChangeSet } from '../core/segments/realtime.ts';

/**
 * The in-process real-time queue between ingest and its subscribers (segments, recommendations). Ingest answers as soon as
 * its transaction commits; the changed profiles are coalesced here and processed right after, one
 * batch at a time, so a burst of events about one person costs one re-evaluation.
 * A crash loses only this queue, never data: the next start catches up from the last point at
 * which the queue was empty (Tailor.catchUp), and `tailor segment recompute` restores a segment.
 */
export class RealtimeQueue {
  private pending = new Map<string, ChangeSet>();
  private mergedAway: string[] = [];
  private running: Promise<void> | null = null;
  private failures = 0;
  /** Work was given up after repeated failures: the crash catch-up point must not move past it. */
  private dropped = false;

  /**
   * `onCaughtUp(t)` is called when the queue has emptied: every ingest committed before `t` has been
   * processed (the caller keeps this as the point to catch up from after a crash).
   */
  constructor(
    private readonly subscribers: ChangeSubscriber[],
    private readonly onError: (e: unknown) => void,
    private readonly clock: { now(): number } = { now: () => Date.now() },
    private readonly onCaughtUp: (t: number) => void = () => undefined,
  ) {}

  /** Adds a subscriber after the existing ones: each batch reaches every subscriber in order. */
  subscribe(s: ChangeSubscriber): void {
    this.subscribers.push(s);
  }

  push(touched: readonly TouchedProfile[], mergedAway: readonly string[] = []): void {
    for (const t of touched) {
      let c = this.pending.get(t.profileId);
      if (!c) this.pending.set(t.profileId, (c = new Set()));
      // A new profile can match rules that hold on no data (count eq 0, not …); a merge changes everything.
      if (t.created || t.merged) c.add('*');
      for (const k of t.traits) c.add(`trait:${k}`);
      for (const e of t.events) c.add(`event:${e}`);
      if (t.events.length) c.add('features');
      for (const p of t.consents ?? []) c.add(`consent:${p}`);
    }
    for (const id of mergedAway) {
      this.pending.delete(id);
      this.mergedAway.push(id);
    }
    this.kick();
  }

  /** Resolves once everything queued so far has been processed. */
  async drain(): Promise<void> {
    while (this.running || this.pending.size || this.mergedAway.length) {
      this.kick();
      await this.running;
    }
  }

  private kick(): void {
    if (this.running || (!this.pending.size && !this.mergedAway.length)) return;
    this.running = (async () => {
      // Let the rest of the current burst arrive first.
      await new Promise((r) => setImmediate(r));
      const takenAt = this.clock.now();
      const batch = this.pending;
      const merged = this.mergedAway;
      this.pending = new Map();
      this.mergedAway = [];
      try {
        for (const s of this.subscribers) await s(batch, merged);
        this.failures = 0;
        if (!this.dropped && !this.pending.size && !this.mergedAway.length) this.onCaughtUp(takenAt);
      } catch (e) {
        this.onError(e);
        // Put the work back, unless it keeps failing: then it waits for the next start's catch-up, the
        // profile's next change, or a recompute.
        if (++this.failures < 3) {
          for (const [id, c] of batch) {
            const cur = this.pending.get(id);
            if (cur) for (const k of c) cur.add(k);
            else this.pending.set(id, c);
          }
          this.mergedAway.push(...merged);
        } else {
          this.dropped = true;
        }
      } finally {
        this.running = null;
      }
      if (this.pending.size || this.mergedAway.length) this.kick();
    })();
  }
}
