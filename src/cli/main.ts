import { runMain } from './program.ts';

// The CLI's entry point (bin/tailor.js runs it): only the module of the command asked for is loaded.
await runMain();
