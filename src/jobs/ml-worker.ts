import { parentPort } from 'node:worker_threads';
import { ML_OPS, type MlOp } from '../core/ml/compute.ts';

/** The model worker: runs one ML_OPS call per message and posts back its result or its error. */
interface Request { id: number; op: MlOp; args: unknown[] }

parentPort!.on('message', (req: Request) => {
  try {
    const fn = ML_OPS[req.op] as (...a: unknown[]) => unknown;
    parentPort!.postMessage({ id: req.id, ok: true, result: fn(...req.args) });
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    parentPort!.postMessage({ id: req.id, ok: false, error: { name: err.name, message: err.message, code: (err as { code?: string }).code, field: (err as { field?: string }).field } });
  }
});
