import fs from 'node:fs';
import { TailorError } from '../core/errors.ts';

/** A text file's content ('-' for stdin), or a one-line error naming the flag. */
export function readText(path: string, field: string): string {
  try {
    return fs.readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (e) {
    throw new TailorError('invalid_argument', `${field}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? String(e)})`, field.replace(/^--/, ''));
  }
}

/** A JSON argument given inline or as a file (`@file.json`, or a path ending in .json). */
export function readJson(arg: string, field: string): unknown {
  const file = arg.startsWith('@') ? arg.slice(1) : /\.json$/i.test(arg) && fs.existsSync(arg) ? arg : null;
  const text = file === null ? arg : readText(file, field);
  try {
    return JSON.parse(text);
  } catch {
    throw new TailorError('invalid_json', `${field} is not valid JSON`, field);
  }
}
