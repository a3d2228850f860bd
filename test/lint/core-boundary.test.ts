import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The import-boundary rule is what keeps src/core free of I/O; prove that it fires.
describe('lint: src/core import boundary', () => {
  const eslint = new ESLint();
  const lint = async (code: string, file = 'src/core/identity/example.ts') => {
    const [r] = await eslint.lintText(code, { filePath: file });
    return r!.messages.filter((m) => m.ruleId?.startsWith('no-restricted')).map((m) => m.message);
  };

  it.each([
    ["import fs from 'node:fs';", 'no I/O'],
    ["import Database from 'better-sqlite3';", 'no I/O'],
    ["import { Kysely } from 'kysely';", 'no I/O'],
    ["import { openDatabase } from '../../store/sql/database.ts';", 'outer layers'],
    ["import { buildApp } from '../../server/app.ts';", 'outer layers'],
    ['export const x = process.env.X;', 'no I/O'],
  ])('rejects %s in src/core', async (code, why) => {
    const messages = await lint(code);
    expect(messages.length).toBe(1);
    expect(messages[0]).toContain(why);
  });

  it('allows pure imports in src/core and I/O outside it', async () => {
    expect(await lint("import { z } from 'zod';\nexport const s = z.string();")).toEqual([]);
    expect(await lint("import fs from 'node:fs';\nexport const r = fs.readFileSync;", 'src/store/example.ts')).toEqual([]);
  });
});
