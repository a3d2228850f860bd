import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { TailorError } from '../core/errors.ts';
import type { MlCompute, MlOp } from '../core/ml/compute.ts';
import { matrix, type Matrix } from '../core/ml/matrix.ts';
import { MINI_BATCH_ABOVE } from '../core/ml/cluster-job.ts';
import type { KMeansOptions, KMeansResult } from '../core/ml/cluster/kmeans.ts';

interface Pending { resolve: (v: unknown) => void; reject: (e: Error) => void }
interface Reply { id: number; ok: boolean; result?: unknown; error?: { name: string; message: string; code?: string; field?: string } }

/** Scoring at least this many rows is split across the workers (one per core). */
const PARALLEL_PREDICT_ROWS = 100_000;
/** k-means on at least this many rows runs its restarts on several workers (below, copying the data costs more than it saves). */
const PARALLEL_KMEANS_ROWS = 20_000;

/**
 * MlCompute on worker threads, so that training and clustering (seconds to minutes of CPU) never
 * block the HTTP server or the CLI. Training and clustering run on the first worker, one job after
 * another (two forests at once would only share the cores); scoring a large population is split
 * into one slice per core (a 100-tree forest scores about 60k rows/s per core). Workers start on
 * first use and are kept; close() ends them.
 */
export class MlWorkerPool implements MlCompute {
  private readonly workers: (Worker | null)[];
  private next = 1;
  private readonly pending = new Map<number, Pending & { worker: number }>();

  constructor(size = Math.max(1, Math.min(availableParallelism(), 4))) {
    this.workers = new Array<Worker | null>(size).fill(null);
  }

  evaluate = (job: Parameters<MlCompute['evaluate']>[0]) => this.call(0, 'evaluate', [job]) as ReturnType<MlCompute['evaluate']>;
  fit = (job: Parameters<MlCompute['fit']>[0]) => this.call(0, 'fit', [job]) as ReturnType<MlCompute['fit']>;
  cluster = async (job: Parameters<MlCompute['cluster']>[0]): ReturnType<MlCompute['cluster']> => {
    // k-means with a fixed k below the mini-batch size: its restarts run in parallel first.
    const parallel = job.algo === 'kmeans' && job.k !== 'auto' && job.x.rows >= PARALLEL_KMEANS_ROWS && job.x.rows <= MINI_BATCH_ABOVE;
    const fit = parallel ? await this.kmeans(job.x, { k: job.k as number, nInit: job.nInit, seed: job.seed }) : undefined;
    return this.call(0, 'cluster', [{ ...job, fit }]) as ReturnType<MlCompute['cluster']>;
  };

  /** k-means with its n_init restarts split across the workers; the lowest inertia wins (the earliest restart on a tie, as in one thread). */
  async kmeans(x: Matrix, opts: KMeansOptions): Promise<KMeansResult> {
    const nInit = Math.max(1, opts.nInit ?? 10);
    const parts = Math.min(this.workers.length, nInit);
    const runs = Array.from({ length: parts }, (_, w) => Array.from({ length: nInit }, (_, r) => r).filter((r) => r % parts === w));
    const fits = await Promise.all(runs.map((r, w) => this.call(w, 'kmeans', [x, { ...opts, nInit, runs: r }]) as Promise<KMeansResult>));
    return fits.reduce((b, f) => (f.inertia < b.inertia || (f.inertia === b.inertia && f.run! < b.run!) ? f : b));
  }

  predict = async (model: unknown, x: Matrix): Promise<Float64Array> => {
    const parts = x.rows >= PARALLEL_PREDICT_ROWS ? this.workers.length : 1;
    if (parts === 1) return this.call(0, 'predict', [model, x]) as Promise<Float64Array>;
    const per = Math.ceil(x.rows / parts);
    const slices = Array.from({ length: parts }, (_, i) => {
      const lo = i * per;
      const hi = Math.min(x.rows, lo + per);
      return matrix(hi - lo, x.cols, x.data.slice(lo * x.cols, hi * x.cols));
    });
    const scores = await Promise.all(slices.map((s, i) => this.call(i, 'predict', [model, s]) as Promise<Float64Array>));
    const out = new Float64Array(x.rows);
    scores.forEach((s, i) => out.set(s, i * per));
    return out;
  };

  async close(): Promise<void> {
    const ws = this.workers.splice(0, this.workers.length, ...this.workers.map(() => null));
    await Promise.all(ws.map((w) => w?.terminate()));
  }

  private call(index: number, op: MlOp, args: unknown[]): Promise<unknown> {
    const w = this.start(index);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker: index });
      w.ref();
      w.postMessage({ id, op, args });
    });
  }

  private start(index: number): Worker {
    const existing = this.workers[index];
    if (existing) return existing;
    const w = new Worker(new URL('./ml-worker-entry.mjs', import.meta.url));
    const mine = () => [...this.pending].filter(([, p]) => p.worker === index);
    w.on('message', (r: Reply) => {
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (!mine().length) w.unref();
      if (r.ok) p.resolve(r.result);
      // Invalid input (a RangeError from core, a TailorError) stays a 4xx; anything else is a failure.
      else if (r.error?.code || r.error?.name === 'RangeError') p.reject(new TailorError((r.error.code ?? 'invalid_argument') as 'invalid_argument', r.error.message, r.error.field));
      else p.reject(new Error(r.error?.message ?? 'model worker failed'));
    });
    const fail = (e: Error) => {
      for (const [id, p] of mine()) {
        this.pending.delete(id);
        p.reject(e);
      }
      if (this.workers[index] === w) this.workers[index] = null;
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`model worker exited with code ${code}`)));
    w.unref();
    this.workers[index] = w;
    return w;
  }
}
