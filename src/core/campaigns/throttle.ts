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
  private nextGlobal = 0;
  private readonly nextByDomain = new Map<string, number>();

  constructor(private readonly d: ThrottleDeps, private readonly rate: number, private readonly domainRates: ReadonlyMap<string, number>) {}

  /** Waits for the next slot of the global rate and of the address's domain rate. */
  async take(email: string): Promise<void> {
    const domain = email.slice(email.lastIndexOf('@') + 1);
    const perDomain = this.domainRates.get(domain);
    if (!this.rate && !perDomain) return;
    const now = this.d.now();
    let at = now;
    if (this.rate) at = Math.max(at, this.nextGlobal);
    if (perDomain) at = Math.max(at, this.nextByDomain.get(domain) ?? 0);
    // Reserve the slot before sleeping, so concurrent callers queue behind it.
    if (this.rate) this.nextGlobal = Math.max(this.nextGlobal, now, at) + 1000 / this.rate;
    if (perDomain) this.nextByDomain.set(domain, at + 1000 / perDomain);
    if (at > now) await this.d.sleep(at - now);
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
