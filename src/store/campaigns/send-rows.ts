import type { SendRow, SendState } from '../../core/campaigns/ports.ts';
import { fromJson, toInt } from '../sql/codec.ts';
import type { Dialect } from '../sql/sql-runner.ts';

/** The `sends` table's rows as the campaign ports see them (shared by the campaign store and the send queue). */

const intOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : toInt(v));
const textOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : (v as string));

export function rowToSend(r: Record<string, unknown>): SendRow {
  return {
    id: toInt(r.id),
    campaignId: r.campaign_id as string,
    occurrence: r.occurrence as string,
    step: toInt(r.step),
    profileId: r.profile_id as string,
    messageId: r.message_id as string,
    state: r.state as SendState,
    dueAt: toInt(r.due_at),
    attempts: toInt(r.attempts),
    reason: textOrNull(r.reason),
    detail: textOrNull(r.detail),
    arm: textOrNull(r.arm),
    email: textOrNull(r.email),
    inDoubt: toInt(r.in_doubt) !== 0,
    leaseOwner: textOrNull(r.lease_owner),
    leaseUntil: intOrNull(r.lease_until),
    sentAt: intOrNull(r.sent_at),
    response: textOrNull(r.response),
    triggerAt: intOrNull(r.trigger_at),
    payload: r.payload === null || r.payload === undefined ? null : fromJson<Record<string, unknown>>(r.payload),
    createdAt: toInt(r.created_at),
    updatedAt: toInt(r.updated_at),
  };
}

/** Claimed and returned rows in the order the sender works through them. */
export const byDue = (a: SendRow, b: SendRow): number => a.dueAt - b.dueAt || a.id - b.id;

/**
 * `sends.id IN (list)` with the list bound as one parameter (see sql/id-list.ts, which is for text
 * ids): a bigint array on PostgreSQL, a JSON array on SQLite.
 */
export function inSendIds(sql: { dialect: Dialect }, column: string, ids: readonly number[]): { where: string; param: unknown } {
  return sql.dialect === 'postgres'
    ? { where: `${column} = ANY(?::bigint[])`, param: ids }
    : { where: `${column} IN (SELECT value FROM json_each(?))`, param: JSON.stringify(ids) };
}
