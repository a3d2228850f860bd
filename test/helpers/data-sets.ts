import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

/**
 * Where the public data sets are: TAILOR_TEST_DATA, or else a shared/data folder beside the
 * repository (where this project's own checkouts and CI keep them).
 */
export const SHARED_DATA = process.env.TAILOR_TEST_DATA
  ? path.resolve(process.env.TAILOR_TEST_DATA)
  : fileURLToPath(new URL('../../../shared/data', import.meta.url));

/** CI sets CI=true (GitHub, GitLab, .ci/run): there the data sets are part of the run. */
export const inCi = (env: NodeJS.ProcessEnv = process.env): boolean => {
  const v = env.CI?.trim().toLowerCase();
  return v !== undefined && v !== '' && v !== '0' && v !== 'false';
};

export interface DataSet {
  dir: string;
  /** The absolute path of one of the set's files. */
  file: (name: string) => string;
  /** Whether every file asked for is there; suites skip with `describe.skipIf(!set.available)`. */
  available: boolean;
}

/**
 * A data set in SHARED_DATA/<name> that a suite reads. Where files are missing, a user's clone
 * skips the suite with a printed note; in CI (CI=true) the missing data set is a failing test
 * instead, so that a CI run without the data cannot pass by skipping.
 */
export function dataSet(name: string, files: readonly string[], what: string): DataSet {
  const dir = path.join(SHARED_DATA, name);
  const file = (f: string) => path.join(dir, f);
  const missing = files.filter((f) => !existsSync(file(f)));
  if (missing.length > 0) {
    const message = `${missing.map(file).join(', ')} not found`;
    if (inCi()) {
      describe(`data set ${name}`, () => {
        it(`is present for ${what} (CI=true: a missing data set fails, it does not skip)`, () => {
          throw new Error(`${message}; CI must provide ${path.join(SHARED_DATA, name)}`);
        });
      });
    } else {
      console.warn(`[tailor tests] ${message}: ${what} skipped.`);
    }
  }
  return { dir, file, available: missing.length === 0 };
}
