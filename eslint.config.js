import tseslint from 'typescript-eslint';

/** I/O modules and outer layers that src/core must never import (DESIGN.md, rule 1). */
const IO_MODULES = ['fs', 'fs/promises', 'net', 'http', 'https', 'http2', 'dgram', 'dns', 'tls', 'child_process', 'cluster',
  'worker_threads', 'os', 'readline', 'zlib', 'stream'].flatMap((m) => [m, `node:${m}`]);
const DRIVERS = ['better-sqlite3', 'pg', 'pg-copy-streams', 'kysely', 'fastify', 'bullmq', 'ioredis', 'nodemailer', 'commander',
  'cli-progress', 'pino', 'csv-parse', 'smtp-server'];
const OUTER = ['**/store/**', '**/server/**', '**/cli/**', '**/jobs/**', '**/delivery/**', '**/io/**', '**/demo/**',
  '**/main.ts', '**/config.ts', '**/web/**'];

/** The edges (src/server, src/cli) call use cases through the composition root; they never reach the store or the jobs, nor each other. */
const edge = (self, other) => ({
  files: [`src/${self}/**/*.ts`],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [
        { group: ['**/store/**', '**/jobs/**', '**/wiring/**'], message: `src/${self} calls use cases (src/core) through the composition root, never src/store or src/jobs` },
        { group: [`**/${other}/**`], message: `src/${self} must not import src/${other}: share code through src/core` },
      ],
    }],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'web/dist/**', 'bench/out/**', '.tailor/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [...IO_MODULES, ...DRIVERS].map((name) => ({ name, message: 'src/core has no I/O: use a port from src/core/ports.ts' })),
        patterns: [{ group: OUTER, message: 'src/core must not import the outer layers (dependencies point inward)' }],
      }],
      'no-restricted-globals': ['error', { name: 'process', message: 'src/core has no I/O: pass config in' },
        { name: 'fetch', message: 'src/core has no I/O' }],
    },
  },
  {
    // Tests beside core code may measure the process (memory, timings); core itself may not.
    files: ['src/core/**/*.test.ts'],
    rules: { 'no-restricted-globals': 'off' },
  },
  edge('server', 'cli'),
  edge('cli', 'server'),
);
