import { Worker } from 'node:worker_threads';
import { TailorError } from '../core/errors.ts';
import type { MlCompute, MlOp } from '../core/ml/compute.ts';

interface Pending { resolve: (v: unknown) => void; reject: (e: Error) => void }
interface Reply { id: number; ok: boolean; result?: unknown; error?: { name: string; message: string; code?: string } }

/**
 * MlCompute on a worker thread, so that training and clustering (seconds to minutes of CPU) never
 * block the HTTP server or the CLI's progress output. One worker, started on first use and kept
 * for the next job; jobs queue in order (the machine has few cores, and two forests at once would
 * only share them). close() ends it.
 */
export class MlWorkerPool implements MlCompute {
  private worker: Worker | null = null;
  private next = 1;
  private readonly pending = new Map<number, Pending>();

  evaluate = (job: Parameters<MlCompute['evaluate']>[0]) => this.call('evaluate', [job]) as ReturnType<MlCompute['evaluate']>;
  fit = (job: Parameters<MlCompute['fit']>[0]) => this.call('fit', [job]) as ReturnType<MlCompute['fit']>;
  predict = (model: unknown, x: Parameters<MlCompute['predict']>[1]) => this.call('predict', [model, x]) as ReturnType<MlCompute['predict']>;
  cluster = (job: Parameters<MlCompute['cluster']>[0]) => this.call('cluster', [job]) as ReturnType<MlCompute['cluster']>;

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }

  private call(op: MlOp, args: unknown[]): Promise<unknown> {
    const w = this.start();
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.ref();
      w.postMessage({ id, op, args });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(new URL('./ml-worker-entry.mjs', import.meta.url));
    w.on('message', (r: Reply) => {
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (!this.pending.size) w.unref();
      if (r.ok) p.resolve(r.result);
      // Invalid input (a RangeError from core, a TailorError) stays a 4xx; anything else is a failure.
      else if (r.error?.code || r.error?.name === 'RangeError') p.reject(new TailorError((r.error.code ?? 'invalid_argument') as 'invalid_argument', r.error.message));
      else p.reject(new Error(r.error?.message ?? 'model worker failed'));
    });
    const fail = (e: Error) => {
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
      this.worker = null;
    };
    w.on('error', fail);
    w.on('exit', (code) => { if (this.pending.size) fail(new Error(`model worker exited with code ${code}`)); });
    w.unref();
    this.worker = w;
    return w;
  }
}
