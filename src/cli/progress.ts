import cliProgress from 'cli-progress';
import { currentCliIo } from './output.ts';

/**
 * The one progress bar of the CLI. It draws on stderr, and only when stderr is a terminal and the
 * run is not `--json` (nor an in-process run, whose stderr is a test's buffer): stdout stays the
 * result alone. The bar starts on the first update (the total is often known only then) and is
 * cleared when the work ends, success or failure.
 */
export interface Progress {
  /** `done` of `total` units; `payload` fills the `{name}` tokens of a custom format. */
  update(done: number, total: number, payload?: Record<string, unknown>): void;
  /** Work whose counts are not known: phase `done` of `total` finished, `name` the one running now. */
  phase(done: number, total: number, name: string): void;
  stop(): void;
}

export interface ProgressOptions {
  json?: boolean | undefined;
  /** What is counted, e.g. `profiles` (for update). */
  unit?: string;
  /** A cli-progress format for update, instead of the default counts and eta. */
  format?: string;
}

const NONE: Progress = { update() {}, phase() {}, stop() {} };

/** A bar labelled `label`, or one that draws nothing where a bar does not belong. */
export function progress(label: string, o: ProgressOptions = {}): Progress {
  if (o.json || currentCliIo() || !process.stderr.isTTY) return NONE;
  let bar: cliProgress.SingleBar | undefined;
  let stopped = false;
  const draw = (format: string, total: number, value: number, payload: Record<string, unknown>) => {
    if (stopped) return;
    if (!bar) {
      bar = new cliProgress.SingleBar({ format, stream: process.stderr, hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic);
      bar.start(Math.max(total, 1), value, payload);
      return;
    }
    if (bar.getTotal() !== Math.max(total, 1)) bar.setTotal(Math.max(total, 1));
    bar.update(value, payload);
  };
  return {
    update: (done, total, payload = {}) =>
      draw(o.format ?? `${label} [{bar}] {percentage}% | {value}/{total} ${o.unit ?? ''} | eta {eta_formatted}`, total, Math.min(done, total), payload),
    phase: (done, total, name) => draw(`${label} [{bar}] step {step} of {total}: {phase}`, total, done, { phase: name, step: Math.min(done + 1, total) }),
    stop: () => {
      if (bar && !stopped) bar.stop();
      stopped = true;
    },
  };
}

/** Runs `fn` with a bar and clears it afterwards, whatever happens. */
export async function withProgress<T>(label: string, o: ProgressOptions, fn: (p: Progress) => Promise<T>): Promise<T> {
  const p = progress(label, o);
  try {
    return await fn(p);
  } finally {
    p.stop();
  }
}
