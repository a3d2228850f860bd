export interface DdlTypes { json: string; ts: string; serial: string; real: string }
/** A migration is a list of DDL statements written once for both dialects through these types. */
export type MigrationDdl = (t: DdlTypes) => string[];
