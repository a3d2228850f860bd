/**
 * How a long use case reports where it is, for a progress bar: `done` of `total` phases finished,
 * `phase` naming the one that starts now (done === total: finished). For work whose unit counts are
 * not known up front (a query, a model fit), phases are the honest measure.
 */
export type OnPhase = (done: number, total: number, phase: string) => void;

/** Calls `on` for each phase in turn: `next('name')` starts the next one, `end()` reports all done. */
export function phases(names: readonly string[], on: OnPhase | undefined): { next(name: string): void; end(): void } {
  let done = -1;
  return {
    next: (name) => on?.(++done, names.length, name),
    end: () => on?.(names.length, names.length, 'done'),
  };
}
