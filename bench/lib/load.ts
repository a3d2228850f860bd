import http from 'node:http';

/**
 * A small closed-loop HTTP load generator: `concurrency` workers, each on its own keep-alive
 * connection, sends its next request as soon as the previous one answers. It stops at `durationMs`
 * or after `maxRequests`, whichever comes first, and waits for the requests in flight.
 */
export interface LoadOptions {
  port: number;
  path: string;
  headers: Record<string, string>;
  concurrency: number;
  durationMs: number;
  maxRequests: number;
  /** Returns the next request body. Must be cheap: bodies are pre-generated, this only patches ids. */
  nextBody: () => Buffer;
  /** Events carried by one request (for events/s). */
  eventsPerRequest: number;
}

export interface LoadResult {
  requests: number;
  ok: number;
  failed: number;
  firstError?: string;
  elapsedMs: number;
  /** Latencies of all completed requests, ms, sorted ascending. */
  latencies: Float64Array;
  events: number;
  eventsPerSec: number;
  requestsPerSec: number;
  p50: number;
  p99: number;
  max: number;
}

export function keepAliveAgent(concurrency: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
}

function post(agent: http.Agent, port: number, path: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, path, method: 'POST', agent,
      headers: { ...headers, 'content-length': String(body.length) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const percentile = (sorted: Float64Array, p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;

export async function runLoad(agent: http.Agent, o: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let issued = 0;
  let ok = 0;
  let failed = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const deadline = start + o.durationMs;

  const worker = async () => {
    while (issued < o.maxRequests && performance.now() < deadline) {
      issued++;
      const body = o.nextBody();
      const t0 = performance.now();
      try {
        const r = await post(agent, o.port, o.path, o.headers, body);
        latencies.push(performance.now() - t0);
        if (r.status === 200) ok++;
        else {
          failed++;
          firstError ??= `HTTP ${r.status}: ${r.body.slice(0, 300)}`;
        }
      } catch (e) {
        failed++;
        firstError ??= (e as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  const elapsedMs = performance.now() - start;
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: issued,
    ok,
    failed,
    ...(firstError ? { firstError } : {}),
    elapsedMs,
    latencies: sorted,
    events: ok * o.eventsPerRequest,
    eventsPerSec: (ok * o.eventsPerRequest) / (elapsedMs / 1000),
    requestsPerSec: ok / (elapsedMs / 1000),
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
  };
}
