import type { MigrationDdl } from './types.ts';

/** Product recommendations (filled in by the recommendations work). */
export const recommendations: MigrationDdl = () => [];
