/**
 * The clock of a demo that simulates time: it reads the real time until the simulation pins it,
 * then stands still at each instant the simulation sets (sends, then the responder's hits), so the
 * server stamps every event at its simulated moment. Never goes backwards: the simulation moves
 * forward only, and a stamp earlier than an event already stored would make history out of order.
 */
export class DemoClock {
  private pinned: number | null = null;

  now(): number {
    return this.pinned ?? Date.now();
  }

  set(at: number): void {
    if (this.pinned === null || at > this.pinned) this.pinned = at;
  }

  /** Back to the real time (the simulation ended at or before it). */
  release(): void {
    this.pinned = null;
  }
}
