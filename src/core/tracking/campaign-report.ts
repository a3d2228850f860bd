import { campaignReport, type CampaignReport } from '../campaigns/campaign-document.ts';
import { SEND_STATES, type CampaignRecord, type SendState } from '../campaigns/ports.ts';
import type { ExperimentResults } from '../experiments/results.ts';
import { DEFAULT_WINDOWS } from './attribution.ts';
import type { LinkRow, ReportQueriesPort, RollupRow, SendGroup, SentHour } from './report-ports.ts';

/** Gmail's and Yahoo's bulk-sender thresholds for the spam complaint rate (2024 requirements). */
export const COMPLAINT_WARNING = 0.001;
export const COMPLAINT_ALERT = 0.003;

export interface Counted { human: number; raw: number; uniqueHuman: number; uniqueRaw: number }

/**
 * A campaign's numbers over some slice of it (all of it, one step, one arm, one segment).
 * `sent` counts messages the transport accepted; `delivered` = sent - bounced. Rates are null
 * where their denominator is zero. Human numbers leave out machine opens and bot clicks; raw ones
 * count every hit.
 */
export interface ReportMetrics {
  sent: number;
  delivered: number;
  bounced: number;
  suppressed: number;
  suppressedByReason: Record<string, number>;
  deferred: number;
  failed: number;
  /** Queued, rendering or sending now. */
  pending: number;
  cancelled: number;
  opens: Counted;
  clicks: Counted;
  /** Unique human clickers / delivered. */
  ctr: number | null;
  /** Unique human clickers / unique human openers. */
  ctor: number | null;
  unsubscribes: number;
  complaints: number;
  /** Complaints / delivered. */
  complaintRate: number | null;
  /** `warning` from 0.1 %, `alert` from 0.3 % (Gmail and Yahoo's thresholds). */
  complaintLevel: 'ok' | 'warning' | 'alert';
  /** Orders attributed by last touch. */
  conversions: number;
  revenue: number;
  /** Attributed revenue / delivered. */
  revenuePerRecipient: number | null;
}

export interface HourPoint {
  hour: string;
  sent: number;
  opens: { human: number; raw: number };
  clicks: { human: number; raw: number };
  bounces: number;
  unsubscribes: number;
  complaints: number;
  conversions: number;
  revenue: number;
}

/** Everyone mailed against the experiment's holdout (experiments/results.ts `incremental`). */
export interface IncrementalLift {
  experiment: string;
  holdout: { recipients: number; conversionRate: number | null; revenuePerRecipient: number | null };
  mailed: { recipients: number; conversionRate: number | null; revenuePerRecipient: number | null };
  /** Relative lift of the conversion rate (0.1 = +10 %), with its interval and p-value. */
  conversionLift: { lift: number | null; ci: [number, number] | null; p: number } | null;
  /** Revenue the mailing caused: (mailed - holdout) revenue per recipient x mailed recipients, with its interval. */
  incrementalRevenue: { value: number; ci: [number, number] } | null;
}

export type FullCampaignReport = CampaignReport & {
  sent: number;
  bounced: number;
  metrics: ReportMetrics;
  steps: (ReportMetrics & { step: number })[];
  arms: (ReportMetrics & { arm: string | null })[];
  segments: (ReportMetrics & { segmentId: string | null; segment: string | null })[];
  links: { linkId: string; url: string; clicksHuman: number; clicksRaw: number }[];
  hourly: HourPoint[];
  attribution: { model: 'last-touch'; clickDays: number; openDays: number; conversions: number; revenue: number; incremental: IncrementalLift | null; note: string };
  warnings: string[];
};

const LAST_TOUCH_NOTE = 'Attributed revenue is last-touch credit: an order goes to the last human click within the click window, '
  + 'else the last human open within the open window. It double-counts (the same customer may have bought anyway, and other '
  + 'channels claim the same order); the incremental lift against the experiment\'s holdout is the causal number.';

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

class Acc {
  sent = 0; suppressed = 0; deferred = 0; failed = 0; pending = 0; cancelled = 0;
  readonly byReason: Record<string, number> = {};
  readonly r: Record<string, number> = {};

  addGroup(g: SendGroup): void {
    if (g.state === 'sent') this.sent += g.count;
    else if (g.state === 'suppressed') {
      this.suppressed += g.count;
      const reason = g.reason ?? 'unknown';
      this.byReason[reason] = (this.byReason[reason] ?? 0) + g.count;
    } else if (g.state === 'deferred') this.deferred += g.count;
    else if (g.state === 'failed') this.failed += g.count;
    else if (g.state === 'cancelled') this.cancelled += g.count;
    else this.pending += g.count;
  }

  addRollup(x: RollupRow): void {
    for (const [k, v] of Object.entries(x)) if (typeof v === 'number' && k !== 'step' && k !== 'hour') this.r[k] = (this.r[k] ?? 0) + v;
  }

  metrics(): ReportMetrics {
    const r = (k: string) => this.r[k] ?? 0;
    const bounced = r('bounces');
    const delivered = this.sent - bounced;
    const complaintRate = ratio(r('complaints'), delivered);
    return {
      sent: this.sent, delivered, bounced, suppressed: this.suppressed, suppressedByReason: { ...this.byReason }, deferred: this.deferred,
      failed: this.failed, pending: this.pending, cancelled: this.cancelled,
      opens: { human: r('opensHuman'), raw: r('opensRaw'), uniqueHuman: r('uniqueOpensHuman'), uniqueRaw: r('uniqueOpensRaw') },
      clicks: { human: r('clicksHuman'), raw: r('clicksRaw'), uniqueHuman: r('uniqueClicksHuman'), uniqueRaw: r('uniqueClicksRaw') },
      ctr: ratio(r('uniqueClicksHuman'), delivered), ctor: ratio(r('uniqueClicksHuman'), r('uniqueOpensHuman')),
      unsubscribes: r('unsubscribes'), complaints: r('complaints'), complaintRate,
      complaintLevel: complaintRate === null ? 'ok' : complaintRate >= COMPLAINT_ALERT ? 'alert' : complaintRate >= COMPLAINT_WARNING ? 'warning' : 'ok',
      conversions: r('conversions'), revenue: r('revenue'), revenuePerRecipient: ratio(r('revenue'), delivered),
    };
  }
}

/** Metrics per value of one dimension, in key order. */
function sliced<K extends string | number>(groups: readonly SendGroup[], rollups: readonly RollupRow[],
  ofGroup: (g: SendGroup) => K, ofRollup: (r: RollupRow) => K): [K, ReportMetrics][] {
  const accs = new Map<K, Acc>();
  const acc = (k: K) => {
    let a = accs.get(k);
    if (!a) accs.set(k, (a = new Acc()));
    return a;
  };
  for (const g of groups) acc(ofGroup(g)).addGroup(g);
  for (const r of rollups) acc(ofRollup(r)).addRollup(r);
  return [...accs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, a]) => [k, a.metrics()]);
}

function hourly(sent: readonly SentHour[], rollups: readonly RollupRow[]): HourPoint[] {
  const points = new Map<number, HourPoint>();
  const point = (h: number) => {
    let p = points.get(h);
    if (!p) {
      points.set(h, (p = { hour: new Date(h).toISOString(), sent: 0, opens: { human: 0, raw: 0 }, clicks: { human: 0, raw: 0 },
        bounces: 0, unsubscribes: 0, complaints: 0, conversions: 0, revenue: 0 }));
    }
    return p;
  };
  for (const s of sent) point(s.hour).sent += s.count;
  for (const r of rollups) {
    const p = point(r.hour);
    p.opens.human += r.opensHuman; p.opens.raw += r.opensRaw;
    p.clicks.human += r.clicksHuman; p.clicks.raw += r.clicksRaw;
    p.bounces += r.bounces; p.unsubscribes += r.unsubscribes; p.complaints += r.complaints;
    p.conversions += r.conversions; p.revenue += r.revenue;
  }
  return [...points].sort(([a], [b]) => a - b).map(([, p]) => p);
}

/** The holdout comparison of an experiment's results, or null when it has no holdout. */
export function incrementalLift(experiment: string, results: ExperimentResults): IncrementalLift | null {
  const [holdout, mailed] = results.incremental ?? [];
  if (!holdout || !mailed) return null;
  const side = (a: typeof holdout) => ({
    recipients: a.recipients, conversionRate: a.metrics.conversion?.rate ?? null, revenuePerRecipient: a.metrics.revenue?.perRecipient ?? null,
  });
  const conv = mailed.vsControl?.conversion;
  const rev = mailed.vsControl?.revenue;
  return {
    experiment, holdout: side(holdout), mailed: side(mailed),
    conversionLift: conv ? { lift: conv.lift, ci: conv.liftCi, p: conv.p } : null,
    incrementalRevenue: rev ? { value: rev.diff * mailed.recipients, ci: [rev.diffCi[0] * mailed.recipients, rev.diffCi[1] * mailed.recipients] } : null,
  };
}

/**
 * The whole report from its parts (pure): the existing send-state report, the grouped send counts,
 * the rollups, the link clicks and the holdout lift. Invariants: sent = delivered + bounced in
 * every slice, and attribution.revenue is the sum of the attributed orders' revenue.
 */
export function buildReport(base: CampaignReport, parts: {
  groups: readonly SendGroup[]; sentHours: readonly SentHour[]; rollups: readonly RollupRow[]; links: readonly LinkRow[]; segmentNames: ReadonlyMap<string, string>;
  windows: { clickDays: number; openDays: number }; incremental: IncrementalLift | null;
}): FullCampaignReport {
  const { groups, rollups } = parts;
  const [[, metrics] = ['', new Acc().metrics()]] = sliced(groups, rollups, () => '', () => '');
  const warnings: string[] = [];
  if (metrics.complaintLevel !== 'ok') {
    warnings.push(`${metrics.complaintLevel}: the complaint rate is ${(metrics.complaintRate! * 100).toFixed(2)} % of delivered `
      + `(Gmail and Yahoo: keep it below ${COMPLAINT_WARNING * 100} %, never reach ${COMPLAINT_ALERT * 100} %)`);
  }
  return {
    ...base,
    delivered: metrics.delivered, sent: metrics.sent, bounced: metrics.bounced,
    note: 'delivered = sent - bounced; opens and clicks are counted human (machine opens and bot clicks left out) and raw; '
      + 'conversions and revenue are last-touch attributed (see attribution.note)',
    metrics,
    steps: sliced(groups, rollups, (g) => g.step, (r) => r.step).map(([step, m]) => ({ step, ...m })),
    arms: sliced(groups, rollups, (g) => g.arm ?? '', (r) => r.arm).map(([arm, m]) => ({ arm: arm === '' ? null : arm, ...m })),
    segments: sliced(groups, rollups, (g) => g.segmentId ?? '', (r) => r.segmentId).map(([id, m]) => ({
      segmentId: id === '' ? null : id, segment: id === '' ? null : parts.segmentNames.get(id) ?? null, ...m,
    })),
    links: parts.links.map((l) => ({ linkId: l.linkId, url: l.url, clicksHuman: l.clicksHuman, clicksRaw: l.clicksRaw })),
    hourly: hourly(parts.sentHours, rollups),
    attribution: {
      model: 'last-touch', ...parts.windows, conversions: metrics.conversions, revenue: metrics.revenue, incremental: parts.incremental, note: LAST_TOUCH_NOTE,
    },
    warnings,
  };
}

/**
 * The send-state report the campaigns module makes (campaign-document.ts), from the grouped count
 * rather than three more queries over the same rows: rows per state, the reasons (most first) and
 * the first and last send.
 */
export function baseReport(c: CampaignRecord, groups: readonly SendGroup[], sentHours: readonly SentHour[]): CampaignReport {
  const counts = Object.fromEntries(SEND_STATES.map((s) => [s, 0])) as Record<SendState, number>;
  const reasons = new Map<string, { state: SendState; reason: string; count: number }>();
  for (const g of groups) {
    counts[g.state as SendState] = (counts[g.state as SendState] ?? 0) + g.count;
    if (g.reason === null) continue;
    const k = `${g.state}\u0000${g.reason}`;
    const r = reasons.get(k);
    if (r) r.count += g.count;
    else reasons.set(k, { state: g.state as SendState, reason: g.reason, count: g.count });
  }
  const sorted = [...reasons.values()].sort((a, b) => b.count - a.count || (a.state < b.state ? -1 : a.state > b.state ? 1 : 0)
    || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0));
  const first = sentHours.length ? Math.min(...sentHours.map((h) => h.first)) : null;
  const last = sentHours.length ? Math.max(...sentHours.map((h) => h.last)) : null;
  return campaignReport(c, counts, sorted, { first, last });
}

export interface CampaignReportsDeps {
  queries: ReportQueriesPort;
  /** The experiment's results now, or null (none, or not started). */
  experimentResults: (experiment: string) => Promise<ExperimentResults | null>;
}

/** The campaign report use case: `GET /v1/campaigns/:id/report` and `tailor campaign report`. */
export class CampaignReports {
  constructor(private readonly d: CampaignReportsDeps) {}

  async report(c: CampaignRecord): Promise<FullCampaignReport> {
    const [groups, sentHours, rollups, links] = await Promise.all([
      this.d.queries.sendGroups(c.id), this.d.queries.sentHours(c.id), this.d.queries.rollups(c.id), this.d.queries.links(c.id),
    ]);
    const segmentIds = [...new Set(groups.map((g) => g.segmentId).filter((s): s is string => !!s))];
    const segmentNames = await this.d.queries.segmentNames(segmentIds);
    const experiment = c.spec.experiment;
    const results = experiment ? await this.d.experimentResults(experiment) : null;
    return buildReport(baseReport(c, groups, sentHours), {
      groups, sentHours, rollups, links, segmentNames, windows: { ...DEFAULT_WINDOWS, ...c.spec.attribution },
      incremental: experiment && results ? incrementalLift(experiment, results) : null,
    });
  }
}

const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(2)}%`);
const money = (x: number | null) => (x === null ? '-' : x.toFixed(2));

function grid(rows: (string | number)[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => String(r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (typeof c === 'number' ? String(c).padStart(widths[i]!) : String(c).padEnd(widths[i]!))).join('  ')).join('\n');
}

/** The report as text for a terminal: one table row per slice, then links, attribution and warnings. */
export function reportText(r: FullCampaignReport): string {
  const head = ['slice', 'sent', 'deliv', 'bounce', 'suppr', 'defer', 'fail', 'opens h/raw', 'uniq h', 'clicks h/raw', 'uniq h', 'CTR', 'CTOR',
    'unsub', 'compl', 'compl%', 'conv', 'revenue', 'rev/rcpt'];
  const line = (name: string, m: ReportMetrics): (string | number)[] => [name, m.sent, m.delivered, m.bounced, m.suppressed, m.deferred, m.failed,
    `${m.opens.human}/${m.opens.raw}`, m.opens.uniqueHuman, `${m.clicks.human}/${m.clicks.raw}`, m.clicks.uniqueHuman, pct(m.ctr), pct(m.ctor),
    m.unsubscribes, m.complaints, pct(m.complaintRate), m.conversions, money(m.revenue), money(m.revenuePerRecipient)];
  const rows = [head, line('all', r.metrics),
    ...(r.steps.length > 1 ? r.steps.map((s) => line(`step ${s.step}`, s)) : []),
    ...(r.arms.some((a) => a.arm !== null) ? r.arms.map((a) => line(`arm ${a.arm ?? '-'}`, a)) : []),
    ...(r.segments.some((s) => s.segmentId !== null) ? r.segments.map((s) => line(`segment ${s.segment ?? s.segmentId ?? '-'}`, s)) : [])];
  const out = [`${r.campaign.name} (${r.campaign.id}): ${r.campaign.status}; first sent ${r.firstSentAt ?? '-'}, last sent ${r.lastSentAt ?? '-'}`, grid(rows)];
  const reasons = Object.entries(r.metrics.suppressedByReason);
  if (reasons.length) out.push(`suppressed: ${reasons.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (r.links.length) out.push('links:', grid([['link', 'url', 'human', 'raw'], ...r.links.map((l) => [l.linkId || '-', l.url || '-', l.clicksHuman, l.clicksRaw])]));
  const a = r.attribution;
  out.push(`attributed (last touch: click ${a.clickDays} d, else open ${a.openDays} d): ${a.conversions} orders, revenue ${money(a.revenue)}`);
  if (a.incremental) {
    const i = a.incremental;
    out.push(`incremental vs holdout (${i.experiment}): mailed ${i.mailed.recipients} at ${pct(i.mailed.conversionRate)} conversion, `
      + `holdout ${i.holdout.recipients} at ${pct(i.holdout.conversionRate)}; lift ${i.conversionLift?.lift === null || !i.conversionLift ? '-' : pct(i.conversionLift.lift)}`
      + `${i.incrementalRevenue ? `; incremental revenue ${money(i.incrementalRevenue.value)} [${money(i.incrementalRevenue.ci[0])}, ${money(i.incrementalRevenue.ci[1])}]` : ''}`);
  }
  out.push(a.note);
  out.push(...r.warnings);
  return out.join('\n');
}
