/**
 * k-means timing against scikit-learn on the same data. The data (Gaussian blobs, generated here with
 * Tailor's seeded PRNG) are written once as little-endian float64 to a temp file; Tailor's kmeans runs
 * on them in this process and `bench/reference/cluster_reference.py --kmeans-bench` times
 * KMeans(init='k-means++', n_init, random_state=0, algorithm='lloyd') on the same file with Debian's
 * /usr/bin/python3. sklearn's numbers are null when that python has no sklearn.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { matrix, type Matrix } from '../../src/core/ml/matrix.ts';
import { kmeans } from '../../src/core/ml/cluster/kmeans.ts';
import { rngFor } from '../../src/core/prng.ts';

export interface KMeansBenchmark {
  tailorMs: number;
  tailorInertia: number;
  sklearnMs: number | null;
  sklearnInertia: number | null;
  tailorIterations: number;
  sklearnIterations: number | null;
}

/**
 * n×d blobs around k centres drawn uniformly in [−box, box]^d, unit spread. box = 10 gives
 * well-separated blobs (k-means converges in a few iterations); box ≈ 1 gives overlapping ones, closer
 * to real customer features, where Lloyd needs dozens of iterations.
 */
export function benchBlobs(n: number, d: number, k: number, seed: number, box = 10): Matrix {
  const rng = rngFor(seed, 'cluster-bench');
  const centres = Array.from({ length: k * d }, () => rng.float(-box, box));
  const x = matrix(n, d);
  for (let i = 0; i < n; i++) {
    const c = rng.int(0, k - 1);
    for (let t = 0; t < d; t++) x.data[i * d + t] = centres[c * d + t]! + rng.normal();
  }
  return x;
}

export function writeFloat64(path: string, x: Matrix): void {
  const buf = Buffer.from(x.data.buffer, x.data.byteOffset, x.data.byteLength);
  // Float64Array is host-endian; every machine we run on is little-endian, which the script assumes.
  writeFileSync(path, buf);
}

export async function kmeansBenchmark(opts: { n: number; d: number; k: number; nInit: number; seed: number; box?: number }): Promise<KMeansBenchmark> {
  const { n, d, k, nInit, seed } = opts;
  const x = benchBlobs(n, d, k, seed, opts.box ?? 10);
  const dir = mkdtempSync(join(tmpdir(), 'tailor-kmeans-'));
  const file = join(dir, 'x.f64');
  try {
    writeFloat64(file, x);
    const t0 = performance.now();
    const ours = kmeans(x, { k, nInit, seed });
    const tailorMs = performance.now() - t0;
    let sklearnMs: number | null = null;
    let sklearnInertia: number | null = null;
    let sklearnIterations: number | null = null;
    const script = fileURLToPath(new URL('../reference/cluster_reference.py', import.meta.url));
    const py = spawnSync('/usr/bin/python3', [script, '--kmeans-bench', file, String(n), String(d), String(k), String(nInit)], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    if (py.status === 0) {
      const r = JSON.parse(py.stdout.trim().split('\n').pop()!) as { ms: number; inertia: number; iterations: number };
      sklearnMs = r.ms;
      sklearnInertia = r.inertia;
      sklearnIterations = r.iterations;
    }
    return { tailorMs, tailorInertia: ours.inertia, sklearnMs, sklearnInertia, tailorIterations: ours.iterations, sklearnIterations };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
