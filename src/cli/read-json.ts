import fs from 'node:fs';
import { TailorError } from '../core/errors.ts';

/** A JSON argument given inline or as a file (`@file.json`, or a path ending in .json). */
export function readJson(arg: string, field: string): unknown {
  const file = arg.startsWith('@') ? arg.slice(1) : /\.json$/i.test(arg) && fs.existsSync(arg) ? arg : null;
  let text = arg;
  if (file !== null) {
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new TailorError('invalid_argument', `${field}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)})`, field);
    }
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new TailorError('invalid_json', `${field} is not valid JSON`, field);
  }
}
