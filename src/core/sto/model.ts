import { fitPrecision, fitPrecisionOfRows, MAX_ALPHA, Tally } from './dirichlet-fit.ts';
import { BINS } from './local-bins.ts';

/**
 * The send-time model: when each person reads, as a distribution over the 48 local bins
 * (local-bins.ts), smoothed by empirical Bayes in two levels:
 *
 *   global  ──α_group──►  group (e.g. the profile's cluster)  ──α_profile──►  profile
 *
 * A group's distribution is its pooled counts shrunk toward the global one, and a profile's is its
 * own counts shrunk toward its group's: posterior mean (c + α·prior) / (n + α). Both precisions are
 * fitted by maximum marginal likelihood of the Dirichlet-multinomial (dirichlet-fit.ts), so a person
 * with two opens leans on their group, and one with two hundred on themselves, by as much as the
 * data says people differ from their group.
 */
export interface StoModel {
  bins: number;
  fittedAt: number;
  /** How profiles were grouped (`none`: one group, the prior is the global distribution). */
  groupBy: string;
  global: number[];
  /** Group → its smoothed distribution. */
  groups: Record<string, number[]>;
  alphaGroup: number;
  alphaProfile: number;
  /** Profiles with at least one human open or click, and those events. */
  profiles: number;
  events: number;
}

/** A profile's counts per bin with the group it belongs to. */
export interface ProfileCounts { group: string; counts: ArrayLike<number> }

/**
 * Builds a model from profiles streamed through `add`. Memory is the tallies' (bins × largest
 * count per group), not the profiles', so a million profiles fit in one pass over their pages.
 */
export class ModelFit {
  private readonly groupIndex = new Map<string, number>();
  private readonly groupCounts: number[][] = [];
  private readonly tally = new Tally(BINS);
  private profiles = 0;
  private events = 0;

  constructor(private readonly groupBy: string) {}

  add(p: ProfileCounts): void {
    let g = this.groupIndex.get(p.group);
    if (g === undefined) {
      g = this.groupCounts.length;
      this.groupIndex.set(p.group, g);
      this.groupCounts.push(new Array<number>(BINS).fill(0));
    }
    let n = 0;
    for (let k = 0; k < BINS; k++) {
      const c = p.counts[k] ?? 0;
      this.groupCounts[g]![k]! += c;
      n += c;
    }
    if (n === 0) return;
    this.profiles++;
    this.events += n;
    this.tally.add(p.counts, g);
  }

  finish(fittedAt: number): StoModel {
    // Half an event per bin keeps every prior mean positive (a Dirichlet needs it) and is
    // negligible beside any real data set's counts.
    const pooled = new Array<number>(BINS).fill(0.5);
    for (const c of this.groupCounts) for (let k = 0; k < BINS; k++) pooled[k]! += c[k]!;
    const global = normalise(pooled);
    // Groups against the global distribution: each group's pooled counts are one draw.
    const alphaGroup = this.groupCounts.length > 1
      ? fitPrecisionOfRows(this.groupCounts.map((counts) => ({ counts, mean: global }))).alpha : MAX_ALPHA;
    const means = this.groupCounts.map((c) => posteriorMean(c, global, alphaGroup));
    const alphaProfile = this.profiles ? fitPrecision(this.tally.data(means)).alpha : MAX_ALPHA;
    const groups: Record<string, number[]> = {};
    for (const [name, i] of this.groupIndex) Object.defineProperty(groups, name, { value: means[i], enumerable: true, writable: true, configurable: true });
    return { bins: BINS, fittedAt, groupBy: this.groupBy, global, groups, alphaGroup, alphaProfile, profiles: this.profiles, events: this.events };
  }
}

function normalise(v: readonly number[]): number[] {
  const s = v.reduce((a, b) => a + b, 0);
  return v.map((x) => x / s);
}

/** (c + α·prior) / (n + α). */
export function posteriorMean(counts: ArrayLike<number>, prior: readonly number[], alpha: number): number[] {
  let n = 0;
  for (let k = 0; k < prior.length; k++) n += counts[k] ?? 0;
  return prior.map((m, k) => ((counts[k] ?? 0) + alpha * m) / (n + alpha));
}

/** The prior a profile is shrunk toward: its group's distribution, or the global one for a group the fit did not see. */
export function priorOf(model: StoModel, group: string | null | undefined): number[] {
  return group !== null && group !== undefined && Object.hasOwn(model.groups, group) ? model.groups[group]! : model.global;
}

/** A profile's smoothed distribution over the bins; no history: its prior. */
export function profileDistribution(model: StoModel, counts: ArrayLike<number> | null | undefined, group: string | null | undefined): number[] {
  const prior = priorOf(model, group);
  return counts ? posteriorMean(counts, prior, model.alphaProfile) : prior;
}
