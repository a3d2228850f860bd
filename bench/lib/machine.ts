import fs from 'node:fs';
import os from 'node:os';

/** What a benchmark ran on, printed with every result so numbers are never quoted without it. */
export function machineInfo(): string {
  const cpus = os.cpus();
  let model = cpus[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (m?.[1]) model = m[1].trim();
  } catch {
    // not Linux: os.cpus() is good enough
  }
  const gib = (n: number) => (n / 2 ** 30).toFixed(1);
  return [
    `date:    ${new Date().toISOString()}`,
    `cpu:     ${model}, ${cpus.length} logical cores (os.availableParallelism() = ${os.availableParallelism()})`,
    `memory:  ${gib(os.totalmem())} GiB total, ${gib(os.freemem())} GiB free`,
    `os:      ${os.type()} ${os.release()} ${os.arch()}`,
    `node:    ${process.version}`,
  ].join('\n');
}
