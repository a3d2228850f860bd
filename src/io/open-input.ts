import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import zlib from 'node:zlib';
import { TailorError } from '../core/errors.ts';

export interface Input {
  /** The file's bytes, decompressed when gzipped. */
  stream: Readable;
  gzip: boolean;
  /** Size on disk, and bytes read from disk so far: progress works the same for gzipped files. */
  totalBytes: number;
  bytesRead(): number;
}

/**
 * Opens a file for streaming. Gzip is recognised by its magic bytes, whatever the name says, so a
 * `.gz` that was already decompressed still reads, and a gzipped file without the suffix too.
 */
export async function openInput(file: string): Promise<Input> {
  let size: number;
  try {
    const st = await fs.promises.stat(file);
    if (!st.isFile()) throw new TailorError('invalid_argument', `not a file: ${file}`, 'file');
    size = st.size;
  } catch (e) {
    if (e instanceof TailorError) throw e;
    throw new TailorError('invalid_argument', `file not found: ${file}`, 'file');
  }
  const magic = Buffer.alloc(2);
  const fh = await fs.promises.open(file, 'r');
  let n: number;
  try {
    n = (await fh.read(magic, 0, 2, 0)).bytesRead;
  } finally {
    await fh.close();
  }
  const gzip = n === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  const raw = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
  if (!gzip) return { stream: raw, gzip, totalBytes: size, bytesRead: () => raw.bytesRead };
  const gunzip = zlib.createGunzip({ chunkSize: 256 * 1024 });
  // pipeline() forwards a read error or corrupt gzip data to the consumer, which then fails the import.
  const stream = pipeline(raw, gunzip, () => {});
  // Compressed bytes zlib has consumed: the disk read runs ahead of decompression by its buffers.
  return { stream, gzip, totalBytes: size, bytesRead: () => gunzip.bytesWritten };
}
