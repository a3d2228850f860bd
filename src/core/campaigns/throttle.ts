/**
 * Throughput control for the sender: a global rate and per-domain rates (messages per second).
 * Each rate is a schedule of slots 1/rate apart rather than a bucket with a burst, so that over any
 * window the count stays within one message of rate × window (the ±5 % the benchmark checks).
 * The concurrency limit is the sender's pool of workers; this only spaces starts.
 */
export interface ThrottleDeps {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export class Throttle {
  /** Starts reserved under the global rate, ascending; ones too old to matter are dropped. */
  private readonly globalSlots: number[] = [];
  private readonly nextByDomain = new Map<string, number>();

  constructor(private readonly d: ThrottleDeps, private readonly rate: number, private readonly domainRates: ReadonlyMap<string, number>) {}

  /** Waits for the next slot of the global rate and of the address's domain rate. */
  async take(email: string): Promise<void> {
    // parseDomainRates lower-cases its keys; addresses keep the case they came with.
    const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
    const perDomain = this.domainRates.get(domain);
    if (!this.rate && !perDomain) return;
    const now = this.d.now();
    let at = perDomain ? Math.max(now, this.nextByDomain.get(domain) ?? 0) : now;
    // Reserve the slots before sleeping, so concurrent callers queue behind them.
    if (this.rate) at = this.reserveGlobal(now, at);
    if (perDomain) this.nextByDomain.set(domain, at + 1000 / perDomain);
    if (at > now) await this.d.sleep(at - now);
  }

  /**
   * The first start >= `from` that is 1/rate from every reserved one. A caller that its domain
   * holds back takes a later slot and leaves the earlier free ones to other domains, instead of
   * pushing everyone behind it (one slow domain would otherwise set the pace for all).
   */
  private reserveGlobal(now: number, from: number): number {
    const gap = 1000 / this.rate;
    const slots = this.globalSlots;
    while (slots.length && slots[0]! <= now - gap) slots.shift();
    let at = from;
    let i = 0;
    for (; i < slots.length; i++) {
      const s = slots[i]!;
      if (s <= at - gap) continue;
      if (s >= at + gap) break;
      at = s + gap;
    }
    slots.splice(i, 0, at);
    return at;
  }
}

/** "gmail.com=50,yahoo.com=20" → domain → rate. */
export function parseDomainRates(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of text.split(',')) {
    const [domain, rate] = part.split('=').map((s) => s.trim().toLowerCase());
    if (domain && rate && Number(rate) > 0) out.set(domain, Number(rate));
  }
  return out;
}
