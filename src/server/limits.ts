import fs from 'node:fs';

/** What one server process lets its clients use up: time per request, connections, request rates. */
export interface ServerLimits {
  /** Milliseconds a client has to send a whole request, headers and body (0: no limit). */
  requestTimeoutMs: number;
  /** Open connections at most; Node closes further ones as they arrive. */
  maxConnections: number;
  /** Ingest requests per minute per key (per IP address for a key in the body); 0: no limit. */
  ingestPerMinute: number;
  /** Requests per minute per IP address to the public pages; 0: no limit. */
  publicPerMinute: number;
  /**
   * Requests per minute per IP address to the open pixel and click redirect; 0: no limit. Higher
   * than the pages': Apple's, Google's and Yahoo's image proxies fetch for many recipients from a
   * few addresses, and a refused pixel is an open lost.
   */
  trackingPerMinute: number;
}

/** Node's own default, said here so that it is a decision: 16 KB of request line and headers, else a 431. */
export const MAX_HEADER_BYTES = 16 * 1024;

/**
 * Descriptors kept back from the connection cap for what else the process opens: the database and
 * its WAL and journal files, the PostgreSQL pool, worker threads' pipes, logs, import files.
 */
const RESERVED_FDS = 128;
const FALLBACK_MAX_CONNECTIONS = 1000;
const CEILING_MAX_CONNECTIONS = 10_000;

/**
 * The connection cap when none is configured: below the soft limit on open files (Linux
 * /proc/self/limits), so that a flood of connections is refused at the door instead of running the
 * process out of descriptors, where the database, `/health` and everything else fail with EMFILE.
 * Node has no getrlimit; where the file is missing, a fixed 1,000.
 */
export function defaultMaxConnections(limitsFile = '/proc/self/limits'): number {
  let text: string;
  try {
    text = fs.readFileSync(limitsFile, 'utf8');
  } catch {
    return FALLBACK_MAX_CONNECTIONS;
  }
  const soft = /^Max open files\s+(\d+|unlimited)/m.exec(text)?.[1];
  if (!soft) return FALLBACK_MAX_CONNECTIONS;
  if (soft === 'unlimited') return CEILING_MAX_CONNECTIONS;
  return Math.max(16, Math.min(CEILING_MAX_CONNECTIONS, Number(soft) - RESERVED_FDS));
}

/** Defaults for an app built without a config (tests, benchmarks): the config schema's own defaults. */
export const DEFAULT_LIMITS: Omit<ServerLimits, 'maxConnections'> = {
  requestTimeoutMs: 30_000,
  ingestPerMinute: 600_000,
  publicPerMinute: 600,
  trackingPerMinute: 60_000,
};
