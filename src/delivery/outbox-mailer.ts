import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import DKIM from 'nodemailer/lib/dkim';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { MailResult, Mailer, OutgoingMessage } from '../core/campaigns/ports.ts';
import { bareMessageId, dkimOptions, mailFields, type DkimSettings } from './mime-headers.ts';

export interface OutboxOptions {
  /** The folder of .eml files (created when missing). */
  dir: string;
  dkim?: DkimSettings | undefined;
  /**
   * fsync each file before its rename. Off by default: the rename alone already means a killed
   * process never leaves a half file under a final name; fsync adds survival of an OS crash or
   * power loss at the cost of a disk flush per message.
   */
  fsync?: boolean | undefined;
}

const MAX_NAME = 200;

/**
 * The file name of a message id: letters, digits and `._@-` stay, anything else (and `%` itself)
 * becomes `%HH` per UTF-8 byte, so two ids never share a name and no id can climb out of the
 * folder (`/`, a leading dot). An id too long for a file name becomes its SHA-256.
 */
export function emlFileName(messageId: string): string {
  const bare = bareMessageId(messageId);
  let safe = '';
  for (const byte of Buffer.from(bare, 'utf8')) {
    const c = String.fromCharCode(byte);
    safe += /[A-Za-z0-9_@-]/.test(c) || (c === '.' && safe !== '') ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (safe.length > MAX_NAME) safe = `sha256-${createHash('sha256').update(bare).digest('hex')}`;
  return `${safe}.eml`;
}

/**
 * The default transport: one RFC 5322 .eml file per message in a folder, which a mail client
 * opens as is. A file appears under its final name only when complete (written beside it, then
 * renamed), so after a crash `accepted` names exactly the messages that went out, and sending
 * an id again replaces its file rather than adding a second.
 */
export class OutboxMailer implements Mailer {
  readonly name = 'outbox';
  private readonly dir: string;
  private readonly dkim: DKIM | null;
  private readonly fsync: boolean;
  private ready: Promise<unknown> | null = null;
  private seq = 0;

  constructor(opts: OutboxOptions) {
    this.dir = path.resolve(opts.dir);
    this.dkim = opts.dkim ? new DKIM(dkimOptions(opts.dkim)) : null;
    this.fsync = opts.fsync ?? false;
  }

  /** The path of a message's file (whether or not it exists). */
  pathOf(messageId: string): string {
    return path.join(this.dir, emlFileName(messageId));
  }

  async send(m: OutgoingMessage): Promise<MailResult> {
    try {
      const raw = await this.compose(m);
      this.ready ??= fs.promises.mkdir(this.dir, { recursive: true }).catch((e: unknown) => {
        this.ready = null;
        throw e;
      });
      await this.ready;
      const final = this.pathOf(m.messageId);
      // A temporary name of its own per write: two sends of one id at once must not share a file.
      const tmp = `${final}.${process.pid}.${++this.seq}.tmp`;
      try {
        await writeFile(tmp, raw, this.fsync);
        await fs.promises.rename(tmp, final);
        if (this.fsync) await syncDir(this.dir);
      } catch (e) {
        await fs.promises.rm(tmp, { force: true }).catch(() => {});
        throw e;
      }
      return { ok: true, response: `250 written ${path.basename(final)}` };
    } catch (e) {
      // A full disk or a read-only folder clears up without the recipient's doing: retry later.
      return { ok: false, permanent: false, code: null, response: `outbox: ${(e as Error).message}` };
    }
  }

  async accepted(messageIds: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    if (messageIds.length === 0) return out;
    // A few ids: look each up. Many: one listing of the folder is cheaper than a stat apiece.
    if (messageIds.length <= 256) {
      const found = await Promise.all(messageIds.map((id) => fs.promises.access(this.pathOf(id)).then(() => true, () => false)));
      messageIds.forEach((id, i) => found[i] && out.add(id));
      return out;
    }
    let names: Set<string>;
    try {
      names = new Set(await fs.promises.readdir(this.dir));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return out;
      throw e;
    }
    for (const id of messageIds) if (names.has(emlFileName(id))) out.add(id);
    return out;
  }

  async close(): Promise<void> {}

  private async compose(m: OutgoingMessage): Promise<Buffer> {
    const built = await new MailComposer(mailFields(m)).compile().build();
    return this.dkim ? buffer(this.dkim.sign(built)) : built;
  }
}

async function writeFile(file: string, data: Buffer, sync: boolean): Promise<void> {
  const fh = await fs.promises.open(file, 'w');
  try {
    await fh.writeFile(data);
    if (sync) await fh.sync();
  } finally {
    await fh.close();
  }
}

/** The rename itself is durable only once the folder's entry is on disk. */
async function syncDir(dir: string): Promise<void> {
  const fh = await fs.promises.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
