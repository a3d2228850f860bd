// The model worker's entry, in src/ and (copied by the build) in dist/. Beside the compiled worker it
// loads it as it is. In src/ the worker thread starts without the TypeScript loader that the main
// thread may have (tsx, vitest): register tsx here, then load the TypeScript.
import { existsSync } from 'node:fs';

const compiled = new URL('./ml-worker.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./ml-worker.ts');
}
