import { armsOf } from './design.ts';
import type { ExperimentRecord } from './ports.ts';

const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());

/** An experiment as the API and the CLI show it. */
export function experimentDocument(r: ExperimentRecord) {
  return {
    id: r.id,
    name: r.name,
    status: r.status,
    spec: r.spec,
    arms: armsOf(r.spec).map((a) => ({ key: a.key, weight: a.weight, content: a.content, ...(Object.keys(a.levels).length ? { levels: a.levels } : {}) })),
    startedAt: iso(r.startedAt),
    decideAt: iso(r.decideAt),
    decidedAt: iso(r.decidedAt),
    decision: r.decision ? { ...r.decision, decidedAt: iso(r.decision.decidedAt) } : null,
    looks: r.sequential.looks,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  };
}
