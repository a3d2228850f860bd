import type { ProductRecord } from './map-product.ts';

/** What a file import records of itself (src/store/imports/import-run-store.ts). */
export interface ImportRunsPort {
  /** Records a run as soon as it starts, so that a crashed import still leaves a trace ("running"). */
  start(run: ImportRunStart): Promise<void>;
  /** After each chunk: its rejects and the run's running totals, in one transaction; `finish` closes the run. */
  progress(runId: string, counts: ImportRunCounts, rejects: ImportRejectRow[],
    finish?: { status: ImportRunStatus; finishedAt: number; rejectsFile: string | null } | false | undefined): Promise<void>;
}

/** The product catalogue's upsert, shared by imports and the demo (src/store/imports/product-store.ts). */
export interface ProductsPort {
  upsert(products: ProductRecord[], now: number): Promise<ProductUpsertResult>;
}

export interface ProductUpsertResult {
  inserted: number;
  updated: number;
  /** Rows identical to what the catalogue already holds: nothing is written for them. */
  unchanged: number;
}

export interface ImportRunStart {
  id: string;
  kind: string;
  file: string;
  startedAt: number;
}

export interface ImportRunCounts {
  rowsRead: number;
  inserted: number;
  updated: number;
  merged: number;
  duplicates: number;
  rejected: number;
}

export interface ImportRejectRow {
  row: number;
  reason: string;
  /** The raw record as text. */
  raw: string;
}

export type ImportRunStatus = 'running' | 'completed' | 'failed';
