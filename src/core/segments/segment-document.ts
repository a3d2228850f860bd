import type { SegmentRecord } from './ports.ts';

/** A segment as the API and the CLI show it: times as ISO-8601. */
export function segmentDocument(s: SegmentRecord) {
  return {
    id: s.id, name: s.name, description: s.description, rules: s.rules, options: s.options, version: s.version,
    status: s.status, size: s.size, createdAt: new Date(s.createdAt).toISOString(), updatedAt: new Date(s.updatedAt).toISOString(),
    computedAt: s.computedAt === null ? null : new Date(s.computedAt).toISOString(),
  };
}
