/**
 * The read side of segments: members (paged, by profile id), size history, a profile's membership
 * history (implemented by src/store/segments/segment-queries.ts).
 */
export interface SegmentQueriesPort {
  members(segmentId: string, opts: { limit: number; cursor?: string | undefined }): Promise<{ total: number; members: MemberDocument[]; nextCursor: string | null }>;
  /** Every current member, a page at a time (for CSV export without holding the segment in memory). */
  allMembers(segmentId: string, pageSize?: number): AsyncGenerator<MemberDocument[]>;
  describe(profileIds: string[]): Promise<{ profileId: string; userId: string | null; email: string | null }[]>;
  sizes(segmentId: string, opts: { from?: number | undefined; to?: number | undefined }): Promise<SizePoint[]>;
  profileHistory(profileId: string): Promise<MembershipSpan[]>;
}

export interface MemberDocument { profileId: string; userId: string | null; email: string | null; enteredAt: string }
export interface SizePoint { at: string; size: number; entered: number; exited: number }
export interface MembershipSpan { segmentId: string; segmentName: string | null; enteredAt: string; exitedAt: string | null }

