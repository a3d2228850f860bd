import type { SegmentRecord } from './ports.ts';

/**
 * A segment name as it is stored and looked up: without surrounding blanks. Create and update store
 * it this way, and every look-up by name goes through it too, so `GET /v1/segments/trail%20` and
 * `tailor segment show "trail "` find the segment that `POST {name: "trail "}` saved as "trail".
 */
export function segmentName(name: string): string {
  return name.trim();
}

/** The segment with this id, or else with this name (normalised as above). */
export function findSegment(all: readonly SegmentRecord[], idOrName: string): SegmentRecord | undefined {
  const name = segmentName(idOrName);
  return all.find((x) => x.id === idOrName) ?? all.find((x) => x.name === name);
}
