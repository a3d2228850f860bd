import { betaCdf, betaLogPdf, normalCdf } from './distributions.ts';
import { mean, variance, type Moments } from './means.ts';

/**
 * P(best): for each arm, the posterior probability that its true value is the highest,
 *   P(i best) = ∫ fᵢ(x) · Πⱼ≠ᵢ Fⱼ(x) dx,
 * computed by Gauss–Legendre quadrature (deterministic, unlike Monte Carlo). Rates use the
 * conjugate Beta(prior.alpha + successes, prior.beta + failures) posterior; means use the normal
 * approximation N(x̄, s²/n), the posterior under a flat prior.
 */
interface Posterior { pdf(x: number): number; cdf(x: number): number; centre: number; sd: number; lo: number; hi: number }

export interface BetaPrior { alpha: number; beta: number }
export const DEFAULT_PRIOR: BetaPrior = { alpha: 1, beta: 1 };

export function probabilityBestRates(arms: readonly { successes: number; n: number }[], prior: BetaPrior): number[] {
  return probabilityBest(arms.map(({ successes, n }) => {
    const a = prior.alpha + successes;
    const b = prior.beta + n - successes;
    return {
      pdf: (x) => Math.exp(betaLogPdf(x, a, b)),
      cdf: (x) => betaCdf(x, a, b),
      centre: a / (a + b),
      sd: Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1))),
      lo: 0,
      hi: 1,
    };
  }));
}

export function probabilityBestMeans(arms: readonly Moments[]): number[] {
  return probabilityBest(arms.map((m) => {
    const centre = mean(m);
    const sd = Math.sqrt(variance(m) / Math.max(1, m.n));
    return {
      pdf: (x) => Math.exp(-0.5 * ((x - centre) / sd) ** 2) / (sd * Math.sqrt(2 * Math.PI)),
      cdf: (x) => normalCdf((x - centre) / sd),
      centre, sd, lo: -Infinity, hi: Infinity,
    };
  }));
}

// 10-point Gauss–Legendre nodes and weights on [-1, 1].
const NODES = [-0.9739065285171717, -0.8650633666889845, -0.6794095682990244, -0.4333953941292472, -0.1488743389816312,
  0.1488743389816312, 0.4333953941292472, 0.6794095682990244, 0.8650633666889845, 0.9739065285171717];
const WEIGHTS = [0.0666713443086881, 0.1494513491505806, 0.2190863625159820, 0.2692667193099963, 0.2955242247147529,
  0.2955242247147529, 0.2692667193099963, 0.2190863625159820, 0.1494513491505806, 0.0666713443086881];
const SPREAD = 12; // posterior sds either side: beyond that the density is below 1e-31 of its peak
const PANELS = 8; // per stretch between break points (6 already agrees with scipy's quad to 1e-6)

function probabilityBest(posts: readonly Posterior[]): number[] {
  if (posts.length < 2) return posts.map(() => 1);
  // An arm with no spread (no data variance) is a point mass: compare the points directly.
  if (posts.some((p) => !(p.sd > 0))) return pointMasses(posts);
  return posts.map((p, i) => {
    const lo = Math.max(p.lo, p.centre - SPREAD * p.sd);
    const hi = Math.min(p.hi, p.centre + SPREAD * p.sd);
    // Break at the other arms' steep stretches so their CDFs' transitions are resolved too.
    const breaks = new Set([lo, hi]);
    for (const q of posts) {
      for (const x of [q.centre - SPREAD * q.sd, q.centre - 3 * q.sd, q.centre, q.centre + 3 * q.sd, q.centre + SPREAD * q.sd]) {
        if (x > lo && x < hi) breaks.add(x);
      }
    }
    const edges = [...breaks].sort((x, y) => x - y);
    let total = 0;
    for (let e = 0; e + 1 < edges.length; e++) {
      const width = (edges[e + 1]! - edges[e]!) / PANELS;
      for (let k = 0; k < PANELS; k++) {
        const mid = edges[e]! + (k + 0.5) * width;
        for (let j = 0; j < NODES.length; j++) {
          const x = mid + (NODES[j]! * width) / 2;
          let f = p.pdf(x);
          for (let o = 0; o < posts.length && f > 0; o++) if (o !== i) f *= posts[o]!.cdf(x);
          total += (WEIGHTS[j]! * width * f) / 2;
        }
      }
    }
    return Math.min(1, Math.max(0, total));
  });
}

function pointMasses(posts: readonly Posterior[]): number[] {
  const best = Math.max(...posts.map((p) => p.centre));
  const winners = posts.filter((p) => p.centre === best).length;
  return posts.map((p) => (p.centre === best ? 1 / winners : 0));
}
