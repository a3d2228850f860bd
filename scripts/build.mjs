// npm run build (and `prepare`, so npm install / npm ci build too): compiles src/ into dist/ with
// tsconfig.build.json, copies what is not TypeScript (the ML worker's .mjs entry, documents), then
// writes dist/.build-stamp with the time the build started. bin/tailor.js runs dist/ only while
// no source is newer than that stamp.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');
const started = new Date();

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  // An install without dev dependencies (npm install --omit=dev) runs `prepare` too, with no compiler.
  process.stderr.write('build: typescript is not installed, dist/ was not built (npm install without --omit=dev, then npm run build)\n');
  process.exit(process.env.npm_lifecycle_event === 'prepare' ? 0 : 1);
}

// From scratch, so a deleted or renamed source leaves no module behind.
rmSync(dist, { recursive: true, force: true });
const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (r.status !== 0) {
  process.stderr.write('build: tsc failed, dist/ is incomplete\n');
  process.exit(r.status ?? 1);
}

let copied = 0;
const copyAssets = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const from = path.join(dir, e.name);
    if (e.isDirectory()) copyAssets(from);
    else if (!e.name.endsWith('.ts')) {
      const to = path.join(dist, path.relative(src, from));
      mkdirSync(path.dirname(to), { recursive: true });
      copyFileSync(from, to);
      copied++;
    }
  }
};
copyAssets(src);

const stamp = path.join(dist, '.build-stamp');
writeFileSync(stamp, `${started.toISOString()}\n`);
utimesSync(stamp, started, started);
process.stdout.write(`build: dist/ from src/ in ${Date.now() - started.getTime()} ms (${copied} non-TypeScript files copied)\n`);
