// The SMTP thread's entry, in src/ and (copied by the build) in dist/: beside the compiled thread it
// loads it as it is; in src/ the thread starts without the TypeScript loader the main thread may
// have (tsx, vitest), so it registers tsx first (as jobs/ml-worker-entry.mjs does).
import { existsSync } from 'node:fs';

const compiled = new URL('./smtp-thread.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./smtp-thread.ts');
}
