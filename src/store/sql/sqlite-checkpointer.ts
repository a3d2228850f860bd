import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Moves SQLite's WAL checkpoints off the event loop. better-sqlite3 is synchronous, so the default
 * auto-checkpoint (run by the COMMIT that crosses 1000 WAL pages) blocks every request while it
 * copies pages into the database file and fsyncs both files; on slow disks that is most of the time
 * a write spends. Here a worker thread with its own connection runs PASSIVE checkpoints, which never
 * block the writer, and the writer's auto-checkpoint is turned off.
 *
 * Durability is unchanged: in WAL mode a commit is durable once its frames are in the WAL (with
 * synchronous=NORMAL, against a process crash); a checkpoint only copies committed pages into the
 * main file, with the same syncs whichever connection runs it.
 *
 * If the writer outpaces PASSIVE checkpoints and the WAL passes `restartPages`, the worker runs a
 * RESTART checkpoint, which makes writers wait (busy timeout) until the WAL is fully copied, so it
 * is reused from the start instead of growing without bound.
 */
export interface Checkpointer {
  stop(): Promise<void>;
}

// Plain CommonJS evaluated in the worker: no TypeScript loader is involved.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = ' + workerData.synchronous);
db.pragma('wal_autocheckpoint = 0');
// Checkpoints copy frames through their own buffer; the page cache would only hold memory.
db.pragma('cache_size = 16');
let timer;
let stopped = false;
const tick = () => {
  if (stopped) return;
  let delay = workerData.idleMs;
  try {
    const r = db.pragma('wal_checkpoint(PASSIVE)')[0];
    if (r.log >= workerData.restartPages) db.pragma('wal_checkpoint(RESTART)');
    else if (r.log > r.checkpointed) delay = workerData.busyMs;
  } catch (e) {
    // BUSY: a RESTART that waited longer than the busy timeout for readers; the next tick tries again.
    if (!(e && e.code === 'SQLITE_BUSY')) parentPort.postMessage({ error: String(e && e.message || e) });
  }
  timer = setTimeout(tick, delay);
};
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  stopped = true;
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
tick();
`;

export function startCheckpointer(
  file: string,
  opts: { synchronous: 'NORMAL' | 'FULL'; onError: (message: string) => void },
): Checkpointer {
  const worker = new Worker(WORKER, {
    eval: true,
    // The script allocates next to nothing: keep the isolate's heap small.
    resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2 },
    workerData: {
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      file,
      synchronous: opts.synchronous,
      // Poll quickly while the WAL has frames not yet copied, slowly when idle.
      busyMs: 20,
      idleMs: 250,
      // 64 MiB of 4 KiB pages.
      restartPages: 65_536,
    },
  });
  worker.unref();
  let failed = false;
  const fail = (message: string) => {
    if (failed) return;
    failed = true;
    opts.onError(message);
  };
  worker.on('message', (m: { error?: string }) => m.error && fail(m.error));
  worker.on('error', (e) => fail(e.message));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    stop: async () => {
      // Unref'd, the worker would not keep the process alive while it finishes a checkpoint: a
      // caller awaiting close() could see Node exit under it.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
