#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm run build`, which npm install and npm ci run too).
// In a checkout where some source is newer than the build, or there is no build, it runs the
// TypeScript sources through tsx (a dev dependency) and says so in one line on stderr.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);
const stamp = fileURLToPath(new URL('dist/.build-stamp', root));
const src = fileURLToPath(new URL('src/', root));

/** The newest modification time of a file the build reads: a few ms for the whole tree. */
function newest(dir) {
  let t = statSync(dir).mtimeMs;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (!e.name.endsWith('.test.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

function buildState() {
  if (!existsSync(stamp)) return 'missing';
  if (existsSync(src) && newest(src.replace(/\/$/, '')) > statSync(stamp).mtimeMs) return 'older than src/';
  return 'fresh';
}

const state = buildState();
if (state === 'fresh') {
  await import(new URL('dist/cli/main.js', root).href);
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    register = undefined;
  }
  if (!register || !existsSync(src)) {
    process.stderr.write(`tailor: the build in dist/ is ${state} and tsx is not installed to run the sources: run \`npm run build\`\n`);
    process.exit(1);
  }
  process.stderr.write(`tailor: note: dist/ is ${state}, running src/ through tsx (npm run build makes it fast)\n`);
  register();
  await import(new URL('src/cli/main.ts', root).href);
}
