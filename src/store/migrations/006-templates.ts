import type { MigrationDdl } from './types.ts';

/** Templates with versions, and reusable blocks. */
export const templates: MigrationDdl = () => [];
