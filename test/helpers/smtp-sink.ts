import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { emlFileName } from '../../src/delivery/outbox-mailer.ts';

export const SINK_SCRIPT = path.resolve(import.meta.dirname, 'smtp-sink-process.ts');

/** One message the sink accepted: one line of its log. */
export interface SinkMessage {
  /** The Message-ID without angle brackets (null when the message had none). */
  messageId: string | null;
  /** The envelope: MAIL FROM and the accepted RCPT TO addresses. */
  from: string;
  to: string[];
  /** The top-level header fields, lower-cased names, values unfolded (the first of repeated ones). */
  headers: Record<string, string>;
  size: number;
  /** Epoch milliseconds. */
  receivedAt: number;
}

export interface SmtpSink {
  port: number;
  url: string;
  /** The child process (for tests that kill or signal it) and its log file. */
  proc: ChildProcess;
  logFile: string;
  /** Every message accepted so far, in order (a message sent twice appears twice). */
  messages(): Promise<SinkMessage[]>;
  /** The raw message as received (only with keepRaw). */
  raw(messageId: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts the SMTP sink (smtp-sink-process.ts) as a child process on a free port of 127.0.0.1.
 * Its log lives in `dir` (a new temp folder by default), removed by stop() only when the
 * folder was made here.
 */
export async function startSmtpSink(opts: { keepRaw?: boolean; dir?: string } = {}): Promise<SmtpSink> {
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-sink-'));
  fs.mkdirSync(dir, { recursive: true });
  const logFile = path.join(dir, 'messages.jsonl');
  const rawDir = path.join(dir, 'raw');
  const proc = spawn(process.execPath, ['--import', 'tsx', SINK_SCRIPT, logFile, ...(opts.keepRaw ? ['--raw', rawDir] : [])], {
    // stdin stays a pipe we never write to: when this process dies, the sink sees it close and exits.
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`smtp sink did not start: ${out}${err}`)), 30_000);
    proc.stdout!.on('data', (d) => {
      out += d;
      const line = /^(\{.*\})\s*$/m.exec(out);
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line[1]!) as { port: number }).port);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`smtp sink exited with ${code}: ${out}${err}`));
    });
  });
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    proc,
    logFile,
    async messages() {
      let text: string;
      try {
        text = await fs.promises.readFile(logFile, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw e;
      }
      // Every line ends with a newline once written; a line still being written is left for next time.
      return text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter(Boolean).map((l) => JSON.parse(l) as SinkMessage);
    },
    async raw(messageId: string) {
      if (!opts.keepRaw) throw new Error('startSmtpSink({ keepRaw: true }) keeps raw messages');
      return fs.promises.readFile(path.join(rawDir, emlFileName(messageId)), 'utf8');
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        await exited;
      }
      if (!opts.dir) await fs.promises.rm(dir, { recursive: true, force: true });
    },
  };
}
