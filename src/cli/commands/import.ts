import type { Command } from 'commander';
import { TARGETS } from '../../core/imports/column-map.ts';
import { importFile, type ImportOptions, type ImportSummary } from '../../io/import-file.ts';
import { withTailor } from '../context.ts';
import { optionalWhole } from '../flags.ts';
import { withProgress } from '../progress.ts';
import { print, table } from '../output.ts';

interface ImportFlags {
  map?: string;
  format?: string;
  header: boolean;
  columns?: string;
  rejects?: string;
  chunkSize?: string;
  currency?: string;
  dateFormat?: string;
  orderId?: string;
  encoding?: string;
  json?: boolean;
}

export function registerImport(program: Command): void {
  program.command('import').description('import profiles, events, orders or products from a CSV, TSV, whitespace, JSON or JSON-lines file (optionally gzipped)')
    .argument('<kind>', 'profiles | events | orders | products')
    .argument('<file>', 'file to import (.csv .tsv .txt .jsonl .ndjson .json, optionally .gz)')
    .option('--map <target=source,...>', 'which column feeds which field, e.g. userId=CustomerID,orderId=InvoiceNo,timestamp=InvoiceDate,total=TotalPrice')
    .option('--format <format>', 'csv | tsv | ws | jsonl | json (default: from the extension)')
    .option('--no-header', 'the first line is data, not column names (give --columns)')
    .option('--columns <a,b,c>', 'column names, for files without a header (or to rename the header\'s)')
    .option('--rejects <path>', 'rejects file (.jsonl, or .csv); default <file name>.rejects.jsonl in the working directory')
    .option('--chunk-size <n>', 'messages (or products) per transaction (default 5000)')
    .option('--currency <code>', 'ISO 4217 currency for orders and products without a currency column')
    .option('--date-format <auto|mdy|dmy>', 'how to read slashed dates such as 12/1/2010 (auto: month first)')
    .option('--order-id <column|row>', 'orders: take the order id from the orderId column, or make one per row as <customer>-<date>-<row>')
    .option('--encoding <utf8|latin1>', 'how the file\'s bytes are text: utf8 (default; rows that are not UTF-8 are rejected) or latin1 (Windows-1252)')
    .option('--json', 'machine-readable output')
    .addHelpText('after', HELP)
    .action(async (kind: string, file: string, flags: ImportFlags, cmd: Command) => {
      const options = toOptions(kind, file, flags);
      await withTailor(cmd, async (t) => {
        // Driven by bytes read, so that it ends at 100% for gzipped files too.
        const summary = await withProgress('importing', { json: flags.json, format: 'importing [{bar}] {percentage}% | {rows} rows | {rejected} rejected | eta {eta_formatted}' },
          (bar) => importFile(t, { ...options, onProgress: (p) => bar.update(p.bytesRead, p.totalBytes, { rows: p.rowsRead, rejected: p.rejected }) }));
        print(!!flags.json, summary, () => describe(summary));
      });
    });
}

const HELP = `
Fields for --map target=source (unmapped columns become traits, properties or attributes):
${Object.entries(TARGETS).map(([kind, t]) => `  ${kind.padEnd(9)} ${Object.keys(t).join(', ')}`).join('\n')}

Rows become Segment messages: profiles → identify (the email column gives the email identity),
events → track, orders → track "Order Completed" {order_id, total, revenue, currency, products[]}.
Orders: consecutive rows with the same order id are one order (line items go to products[]; the total
is the total column, else the sum of price × quantity). Line-item files must keep an order's rows
together (sorted or grouped by order id); an order id that comes back later is rejected.
--order-id row gives every row its own order, <customer>-<date>-<row number>, for files without ids.

Re-importing a file adds nothing: message ids are derived from the rows (import:order:<id>,
import:event:<sha1 of the row>, import:profile:<sha1 of ids and traits>), so identical rows in one
file count as duplicates too (give a messageId column to keep them apart). Bad rows never stop an
import: each goes to the rejects file with its row number (data rows from 1) and the reason.
The import fails (exit 2, one line on stderr) when the file cannot be read to its end (a quote
never closed, damaged gzip data) or when it has rows and every one was rejected (binary data, the
wrong --format or --encoding); the rejects file and the run's record are kept all the same.

Examples:
  tailor import orders online_retail_invoices.csv --currency GBP \\
    --map userId=CustomerID,orderId=InvoiceNo,timestamp=InvoiceDate,total=TotalPrice
  tailor import orders CDNOW_master.txt --order-id row --currency USD \\
    --map userId=customer_id,timestamp=date,total=dollar_value
  tailor import events events.jsonl.gz
  tailor import profiles people.csv --map userId=id,email=E-mail
`;

function toOptions(kind: string, file: string, f: ImportFlags): ImportOptions {
  const chunkSize = optionalWhole(f.chunkSize, 'chunk-size', { min: 1 });
  return {
    kind, file, map: f.map, format: f.format as ImportOptions['format'], header: f.header, columns: f.columns, rejects: f.rejects,
    chunkSize, currency: f.currency, dateFormat: f.dateFormat as ImportOptions['dateFormat'], orderId: f.orderId as ImportOptions['orderId'],
    encoding: f.encoding,
  };
}

function describe(s: ImportSummary): string {
  const lines = [
    `imported ${s.kind} from ${s.file} (${s.format}${s.gzip ? ', gzip' : ''}) in ${(s.durationMs / 1000).toFixed(1)} s, ${s.rowsPerSecond} rows/s`,
    '',
    table([
      ['rows read', s.rowsRead], ['inserted', s.inserted], ['updated', s.updated], ['merged', s.merged],
      ['duplicates', s.duplicates], ['rejected', s.rejected], ['profiles created', s.profilesCreated],
    ]),
  ];
  if (s.rejectsFile) lines.push('', `rejects: ${s.rejectsFile}`);
  lines.push('', `run ${s.runId}`);
  return lines.join('\n');
}
