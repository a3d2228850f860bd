import { writeRows, type Column } from '../sql/bulk-write.ts';
import { toTs } from '../sql/codec.ts';
import type { Database } from '../sql/database.ts';
import type { ImportRejectRow, ImportRunCounts, ImportRunsPort, ImportRunStart, ImportRunStatus } from '../../core/imports/ports.ts';

const REJECT_COLS: Column[] = [
  { name: 'run_id', pgType: 'text' }, { name: 'row_number', pgType: 'integer' }, { name: 'reason', pgType: 'text' }, { name: 'raw', pgType: 'text' },
];

export function createImportRunStore(db: Database): ImportRunsPort {
  return {
    start: (run) => startImportRun(db, run),
    progress: (runId, counts, rejects, finish) => recordImportProgress(db, runId, counts, rejects, finish || undefined),
  };
}

/** Records a run as soon as it starts, so that a crashed import still leaves a trace ("running"). */
async function startImportRun(db: Database, run: ImportRunStart): Promise<void> {
  await db.transaction(async (sql) => {
    await sql.run('INSERT INTO import_runs (id, kind, file, started_at, status) VALUES (?, ?, ?, ?, ?)',
      [run.id, run.kind, run.file, toTs(sql.dialect, run.startedAt), 'running']);
  });
}

/**
 * After each chunk: the chunk's rejects and the run's running totals, in one transaction. With
 * `finish` the run is closed with its final status.
 */
async function recordImportProgress(
  db: Database,
  runId: string,
  counts: ImportRunCounts,
  rejects: ImportRejectRow[],
  finish?: { status: ImportRunStatus; finishedAt: number; rejectsFile: string | null },
): Promise<void> {
  await db.transaction(async (sql) => {
    await writeRows(sql, 'import_rejects', REJECT_COLS, rejects.map((r) => [runId, r.row, r.reason, r.raw]),
      'ON CONFLICT (run_id, row_number) DO NOTHING');
    const set = 'rows_read = ?, inserted = ?, updated = ?, merged = ?, duplicates = ?, rejected = ?';
    const params: unknown[] = [counts.rowsRead, counts.inserted, counts.updated, counts.merged, counts.duplicates, counts.rejected];
    if (finish) {
      await sql.run(`UPDATE import_runs SET ${set}, status = ?, finished_at = ?, rejects_file = ? WHERE id = ?`,
        [...params, finish.status, toTs(sql.dialect, finish.finishedAt), finish.rejectsFile, runId]);
    } else {
      await sql.run(`UPDATE import_runs SET ${set} WHERE id = ?`, [...params, runId]);
    }
  });
}
