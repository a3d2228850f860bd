import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';

/**
 * How an import file's bytes become text. `utf8` (the default) checks every line: bytes that are not
 * UTF-8 make that row a reject naming the line, instead of being stored as U+FFFD ("Jos�").
 * `latin1` reads the file as Windows-1252, the superset of ISO 8859-1 that files called "Latin-1"
 * almost always are (WHATWG's label "latin1" means it too); every byte is a character there.
 */
export const TEXT_ENCODINGS = ['utf8', 'latin1'] as const;
export type TextEncoding = (typeof TEXT_ENCODINGS)[number];

export const isTextEncoding = (s: string): s is TextEncoding => (TEXT_ENCODINGS as readonly string[]).includes(s);

/**
 * Windows-1252 through iconv-lite: Node 20's TextDecoder('windows-1252') decodes 0x80–0x9F as C1
 * control characters (ISO 8859-1), losing €, curly quotes and dashes, which the trait normaliser
 * then strips.
 */
export function decodeLatin1(bytes: Uint8Array): string {
  return iconv.decode(bytes, 'windows-1252');
}

/** Whether a run of bytes reads as text in UTF-8: valid UTF-8 and no NUL (binary data, UTF-16). */
export function isUtf8Text(bytes: Uint8Array): boolean {
  return isUtf8(bytes) && bytes.indexOf(0) === -1;
}

/**
 * Why a line's bytes are not text (or undefined when they are): the reason of its reject, naming
 * the line, and the position as a character column of the line read leniently.
 */
export function notTextReason(bytes: Uint8Array, line: number, encoding: TextEncoding): string | undefined {
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    return `line ${line} has a NUL byte (byte ${nul + 1} of the line): this is not a text file (binary data, or UTF-16?)`;
  }
  if (encoding === 'latin1' || isUtf8(bytes)) return undefined;
  const column = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8').indexOf('\ufffd') + 1;
  return `line ${line} is not valid UTF-8 (column ${column}): if the file is Latin-1 or Windows-1252, import it with --encoding latin1`;
}
