import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { cycles, importGraph } from './import-graph.ts';

// The edges (routes and commands) call use cases; these rules keep them off the store, the jobs and
// each other. Prove that they fire, and that the import graph of src has no cycle.
describe('lint: src/server and src/cli import boundaries', () => {
  const eslint = new ESLint();
  const lint = async (code: string, file: string) => {
    const [r] = await eslint.lintText(code, { filePath: file });
    return r!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
  };

  it.each([
    ['src/server/routes/example.ts', "import { ProfileQueries } from '../../store/profiles/profile-queries.ts';", 'never src/store'],
    ['src/server/routes/example.ts', "import { RealtimeQueue } from '../../jobs/realtime-queue.ts';", 'never src/store or src/jobs'],
    ['src/server/routes/example.ts', "import { print } from '../../cli/output.ts';", 'must not import src/cli'],
    ['src/cli/commands/example.ts', "import type { Database } from '../../store/sql/database.ts';", 'never src/store'],
    ['src/cli/commands/example.ts', "import { DueScheduler } from '../../jobs/due-scheduler.ts';", 'src/jobs'],
    ['src/cli/commands/example.ts', "import { segmentRoutes } from '../../server/routes/segments.ts';", 'must not import src/server'],
    ['src/cli/commands/example.ts', "import { wireSegments } from '../../wiring/segments.ts';", 'composition root'],
  ])('%s: rejects %s', async (file, code, why) => {
    const messages = await lint(`${code}\nexport const x = 1;`, file);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(why);
  });

  it('allows core, the composition root and io from the edges', async () => {
    expect(await lint("import { segmentDocument } from '../../core/segments/segment-document.ts';\nexport const x = segmentDocument;", 'src/server/routes/example.ts')).toEqual([]);
    expect(await lint("import { createTailor } from '../../main.ts';\nexport const x = createTailor;", 'src/cli/commands/example.ts')).toEqual([]);
    expect(await lint("import { importFile } from '../../io/import-file.ts';\nexport const x = importFile;", 'src/cli/commands/example.ts')).toEqual([]);
  });
});

describe('the import graph', () => {
  it('finds a cycle where there is one (type-only imports count)', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-cycle-'));
    fs.writeFileSync(path.join(dir, 'a.ts'), "import type { B } from './b.ts';\nexport type A = B;\n");
    fs.writeFileSync(path.join(dir, 'b.ts'), "import { c } from './c.ts';\nexport type B = string;\nexport const b = c;\n");
    fs.writeFileSync(path.join(dir, 'c.ts'), "export const c = 1;\nexport const load = () => import('./a.ts');\n");
    expect(cycles(importGraph(dir)).map((c) => c.map((f) => path.basename(f)))).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    fs.rmSync(dir, { recursive: true });
  });

  it('has no cycle in src', () => {
    const root = path.resolve(import.meta.dirname, '../../src');
    const graph = importGraph(root);
    expect(graph.size).toBeGreaterThan(300);
    expect(cycles(graph).map((c) => c.map((f) => path.relative(root, f)))).toEqual([]);
  });
});
