import { readFileSync } from 'node:fs';

/**
 * A reference fixture from test/fixtures (written by the scripts in bench/reference). Unit tests in
 * src/core read them through here, so that core itself never imports node:fs.
 */
// The default is JSON.parse's own `any`: each test reads the shape it knows.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function readFixture<T = any>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as T;
}
