import path from 'node:path';
import { TailorError } from '../core/errors.ts';

/** `tsv` is tab-separated CSV (quoting allowed); `ws` is any run of spaces or tabs (CDNOW's layout). */
export const INPUT_FORMATS = ['csv', 'tsv', 'ws', 'jsonl', 'json'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

const BY_EXTENSION: Record<string, InputFormat> = {
  '.csv': 'csv', '.tsv': 'tsv', '.tab': 'tsv', '.txt': 'ws', '.dat': 'ws', '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.json': 'json',
};

export const isInputFormat = (s: string): s is InputFormat => (INPUT_FORMATS as readonly string[]).includes(s);

/** The format from the file name, looking through a `.gz` suffix. */
export function detectFormat(file: string): InputFormat {
  const name = file.replace(/\.(gz|gzip)$/i, '');
  const f = BY_EXTENSION[path.extname(name).toLowerCase()];
  if (!f) {
    throw new TailorError('unsupported_format', `cannot tell the format of ${path.basename(file)} from its name: use --format ${INPUT_FORMATS.join('|')}`, 'format');
  }
  return f;
}
