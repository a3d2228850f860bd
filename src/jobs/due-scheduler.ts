/**
 * Runs a target's due work at its instants: it sleeps until the earliest due time (never longer
 * than `maxSleepMs`, so work written by another process is picked up), then ticks until nothing
 * more is due. Segment timers and feature-window expiries use it (re-evaluating exactly the
 * profiles that are due; nothing polls the whole population), and so do experiment decisions.
 */
export interface SchedulerTarget {
  tick(): Promise<number>;
  /** The earliest instant anything is due, or null. */
  nextDue(): Promise<number | null>;
  now(): number;
}

export class DueScheduler {
  private timer: NodeJS.Timeout | null = null;
  private wakeAt = Infinity;
  private stopped = true;
  private busy: Promise<void> | null = null;

  constructor(private readonly target: SchedulerTarget, private readonly onError: (e: unknown) => void, private readonly maxSleepMs = 30_000) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.busy;
  }

  /** Someone wrote a timer due at `t`: wake up then if that is sooner than planned. */
  notify(t: number | null): void {
    if (t !== null && !this.stopped && t < this.wakeAt) this.schedule(Math.max(0, t - this.target.now()));
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const delay = Math.min(Math.max(ms, 0), this.maxSleepMs);
    this.wakeAt = this.target.now() + delay;
    this.timer = setTimeout(() => void this.run(), delay);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    this.timer = null;
    this.wakeAt = Infinity;
    if (this.busy) return;
    let next: number | null = null;
    this.busy = (async () => {
      try {
        // Work through everything due now, a bounded chunk at a time.
        while (!this.stopped && (await this.target.tick()) > 0);
        next = await this.target.nextDue();
      } catch (e) {
        this.onError(e);
        next = this.target.now() + 1000;
      }
    })();
    await this.busy;
    this.busy = null;
    this.schedule(next === null ? this.maxSleepMs : next - this.target.now());
  }
}
