import type { ArmCounts, ExperimentSpec } from '../schemas/experiment.ts';
import type { Decision } from './decide.ts';
import type { Group } from './design.ts';
import type { ArmObservation } from './observations.ts';
import type { SequentialState } from './results.ts';

export type ExperimentStatus = 'draft' | 'testing' | 'decided';

export interface ExperimentRecord {
  id: string;
  name: string;
  spec: ExperimentSpec;
  /** Assignment salt, fixed at creation. */
  salt: string;
  status: ExperimentStatus;
  startedAt: number | null;
  /** When the automatic decision is due (startedAt + waitHours). */
  decideAt: number | null;
  decidedAt: number | null;
  decision: Decision | null;
  sequential: SequentialState;
  createdAt: number;
  updatedAt: number;
}

/** One profile's place in an experiment. `arm` is null for the holdout and, until the decision, the rest. */
export interface Assignment { profileId: string; group: Group; arm: string | null; sentAt: number | null }

export interface Observed { arms: ArmObservation[]; holdout?: ArmObservation | undefined }

/** What the experiment service needs from storage (src/store/experiments/experiment-store.ts). */
export interface ExperimentStore {
  list(): Promise<ExperimentRecord[]>;
  find(idOrName: string): Promise<ExperimentRecord | null>;
  /** Throws a conflict if the name is taken. */
  insert(r: ExperimentRecord): Promise<void>;
  update(r: ExperimentRecord): Promise<void>;
  /** The experiment with its assignments and counts. */
  remove(id: string): Promise<void>;
  /**
   * Stores a look's always-valid p-values, merged with whatever another process stored meanwhile
   * (the smaller p of each comparison, the larger look count); returns the merged state. Touches
   * nothing else, so a look never undoes a decision.
   */
  saveLook(id: string, state: SequentialState, at: number): Promise<SequentialState>;
  /** The record and every assignment, in one transaction. */
  start(r: ExperimentRecord, assignments: readonly Assignment[]): Promise<void>;
  /** Gives the rest group `arm`, sent at `at`, and saves the record, in one transaction; returns how many. */
  rollout(r: ExperimentRecord, arm: string, at: number): Promise<number>;
  assignments(id: string, page: { group?: Group | undefined; limit: number; cursor?: string | undefined }): Promise<{ assignments: Assignment[]; nextCursor: string | null }>;
  groupSizes(id: string): Promise<Record<Group, number>>;
  /** Counts recorded by hand, replacing earlier ones of the same keys. */
  setCounts(id: string, counts: readonly ArmCounts[], at: number): Promise<void>;
  counts(id: string): Promise<ArmCounts[]>;
  /** What the assigned recipients did after their send (events), per arm and for the holdout. */
  observe(r: ExperimentRecord): Promise<Observed>;
}
