import type { MigrationDdl } from './types.ts';

/**
 * A profile's whole membership history (the profile document, template previews, explain) was read
 * through a scan of segment_memberships: the only index on profile_id is partial (current members,
 * migration 002). A full index makes it a seek.
 */
export const membershipsByProfile: MigrationDdl = () => ['CREATE INDEX segment_memberships_history ON segment_memberships (profile_id, entered_at)'];
