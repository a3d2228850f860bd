/**
 * A real SMTP server in its own process that records what it accepts, for tests and benchmarks:
 *
 *   node --import tsx test/helpers/smtp-sink-process.ts LOG.jsonl [--raw DIR] [--port N]
 *
 * Listens on 127.0.0.1 (port 0: one the OS picks), prints `{"port":N}` on stdout when ready, and
 * appends one JSON line per accepted message to LOG.jsonl (see SinkMessage in smtp-sink.ts); with
 * --raw it also keeps each message as DIR/<file name of its Message-ID>.eml. A recipient whose
 * local part starts with `soft-` gets a 451 at RCPT, one starting with `hard-` a 550.
 *
 * The 250 after DATA goes out only once the message's line is written to the file (no fsync:
 * the page cache outlives this process, and a kill -9 of the *sender* is what tests provoke), so
 * every message a client saw accepted is in the log. Exits on SIGTERM/SIGINT, when its stdin
 * closes (the parent died) and when its parent process is gone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import { emlFileName } from '../../src/delivery/outbox-mailer.ts';

const args = process.argv.slice(2);
const logFile = args[0];
if (!logFile || logFile.startsWith('--')) {
  process.stderr.write('usage: smtp-sink-process.ts LOG.jsonl [--raw DIR] [--port N]\n');
  process.exit(2);
}
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i > 0 ? args[i + 1] : undefined;
};
const rawDir = flag('--raw');
const port = Number(flag('--port') ?? 0);
if (rawDir) fs.mkdirSync(rawDir, { recursive: true });

const log = fs.createWriteStream(logFile, { flags: 'a' });
const HEADER_END = Buffer.from('\r\n\r\n');

/** Lower-cased name → unfolded value of a header block; a repeated field keeps its first value. */
function parseHeaders(block: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of block.replace(/\r?\n(?=[ \t])/g, '').split(/\r?\n/)) {
    const colon = field.indexOf(':');
    if (colon <= 0) continue;
    const name = field.slice(0, colon).trim().toLowerCase();
    if (!(name in out)) out[name] = field.slice(colon + 1).trim();
  }
  return out;
}

function refuse(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

const server = new SMTPServer({
  disabledCommands: ['STARTTLS', 'AUTH'],
  authOptional: true,
  logger: false,
  disableReverseLookup: true,
  banner: 'tailor test sink',
  closeTimeout: 1000,
  onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, cb: (err?: Error | null) => void) {
    const local = address.address.toLowerCase();
    if (local.startsWith('soft-')) return cb(refuse('4.3.0 try later', 451));
    if (local.startsWith('hard-')) return cb(refuse('5.1.1 user unknown', 550));
    cb();
  },
  onData(stream, session, cb) {
    const chunks: Buffer[] = [];
    let size = 0;
    let head: Buffer | null = null;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Only the header block is parsed; the body is kept only when asked for.
      if (rawDir || head === null) chunks.push(chunk);
      if (head === null) {
        const joined = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        const end = joined.indexOf(HEADER_END);
        if (end >= 0) {
          head = joined.subarray(0, end);
          if (!rawDir) chunks.length = 0;
        } else if (chunks.length > 1) {
          chunks.length = 0;
          chunks.push(joined);
        }
      }
    });
    stream.on('error', (e) => cb(e));
    stream.on('end', () => {
      const headers = parseHeaders((head ?? Buffer.concat(chunks)).toString('latin1'));
      const id = headers['message-id']?.replace(/^<|>$/g, '') ?? null;
      const record = {
        messageId: id,
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        to: session.envelope.rcptTo.map((r) => r.address),
        headers,
        size,
        receivedAt: Date.now(),
      };
      const ack = () => log.write(`${JSON.stringify(record)}\n`, (e) => cb(e ?? null));
      if (rawDir && id) {
        fs.writeFile(path.join(rawDir, emlFileName(id)), Buffer.concat(chunks), (e) => (e ? cb(e) : ack()));
      } else ack();
    });
  },
});

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  server.close(() => {});
  // Everything acknowledged is already written; end() only flushes and closes the file.
  log.end(() => process.exit(code));
  setTimeout(() => process.exit(code), 2000).unref();
}

process.on('SIGTERM', () => stop());
process.on('SIGINT', () => stop());

// The parent holds our stdin as a pipe: it closes when the parent dies, even by kill -9. When
// stdin is not a pipe (a terminal, /dev/null) it says nothing, so only the parent pid is watched.
const stdin = fs.fstatSync(0);
if (stdin.isFIFO() || stdin.isSocket()) {
  process.stdin.on('end', () => stop());
  process.stdin.on('close', () => stop());
  process.stdin.resume();
}
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) stop();
}, 500).unref();

server.on('error', (e) => {
  process.stderr.write(`smtp sink: ${e.message}\n`);
});
server.listen(port, '127.0.0.1', () => {
  const address = server.server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : port })}\n`);
});
