/** Key-value settings, as the catch-up point is kept (src/store/system/settings-store.ts). */
export interface SettingsPort {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
}

const KEY = 'segments.realtime_caught_up_to';
/** An ingest transaction planned before the queue emptied may commit just after: catch up from a minute earlier. */
const MARGIN_MS = 60_000;
/** The point is stored at most this often while the queue runs. */
const SAVE_EVERY_MS = 5000;

/**
 * Where a restart after a crash catches up from: the last time the real-time queue was empty, less a
 * margin. A clean close marks the point clean, so that the next start need not look for changed
 * profiles.
 */
export class CatchUpMark {
  private savedAt = 0;

  constructor(private readonly d: { settings: SettingsPort; now: () => number; onError: (e: unknown) => void }) {}

  /** The queue was empty at `t` (`clean`: the process is closing). Throttled unless `force`. */
  record(t: number, clean: boolean, force = false): Promise<void> {
    const now = this.d.now();
    if (!force && now - this.savedAt < SAVE_EVERY_MS) return Promise.resolve();
    this.savedAt = now;
    return this.d.settings.set(KEY, JSON.stringify({ t: t - MARGIN_MS, clean })).catch(this.d.onError);
  }

  /** Re-evaluates the profiles changed since an unclean stop's point (none after a clean one); returns how many. */
  async catchUp(segments: { catchUp(since: number): Promise<number> }): Promise<number> {
    const stored = await this.d.settings.get(KEY);
    const mark = stored === undefined ? undefined : (JSON.parse(stored) as { t: number; clean: boolean });
    const n = mark && !mark.clean ? await segments.catchUp(mark.t) : 0;
    await this.record(this.d.now(), false, true);
    return n;
  }
}
