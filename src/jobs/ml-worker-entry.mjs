// A worker thread starts without the TypeScript loader that bin/tailor.js registered on the main
// thread: register it here, then load the worker itself.
import { register } from 'tsx/esm/api';

register();
await import('./ml-worker.ts');
