import type { MigrationDdl } from './types.ts';

/**
 * What a send renders with besides the profile: a triggered step's trigger event, a transactional
 * message's data. Kept on the row, so a restart or another sender renders the same message.
 */
export const sendPayload: MigrationDdl = (t) => [`ALTER TABLE sends ADD COLUMN payload ${t.json}`];
