import { hash } from 'node:crypto';

/**
 * JSON with object keys sorted at every depth, so that equal content always hashes the same.
 * Written with plain concatenation: it runs once per imported row, and the map/join version
 * allocated enough to show up in profiles.
 */
export function stableStringify(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) {
    let s = '[';
    for (let i = 0; i < v.length; i++) s += (i ? ',' : '') + stableStringify(v[i]);
    return `${s}]`;
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length > 1) keys.sort();
  let s = '{';
  let first = true;
  for (const k of keys) {
    const x = o[k];
    if (x === undefined) continue;
    s += `${first ? '' : ','}${JSON.stringify(k)}:${stableStringify(x)}`;
    first = false;
  }
  return `${s}}`;
}

/**
 * Hex SHA-1: deterministic message ids make re-imports idempotent (not a security use). The one-shot
 * crypto.hash (Node ≥ 20.12) is about four times faster per row than a createHash object.
 */
export const sha1 = (s: string): string => hash('sha1', s, 'hex');
