import type { FeedbackKey, SendLookup, SendMatch } from '../../core/campaigns/report-intake.ts';
import type { PiiCodec } from '../../core/pii-codec.ts';
import { fromTsOrNull, toInt } from '../sql/codec.ts';
import type { Database } from '../sql/database.ts';
import { inIds } from '../sql/id-list.ts';

type Row = { message_id: string; campaign_id: string; step: unknown; arm: string | null; profile_id: string; email: string | null; sent_at: unknown };
const COLUMNS = 'message_id, campaign_id, step, arm, profile_id, email, sent_at';
/** Rows that went out, or may have (a sender died mid-transaction): a report can only be about these. */
const WENT_OUT = `state IN ('sent', 'sending')`;
/** Merges chain rarely; a longer chain than this is a loop in bad data, not a profile. */
const MAX_MERGE_HOPS = 16;

/**
 * Finds the send a bounce or complaint is about (report-intake.ts's SendLookup), with an identity
 * of its profile that ingest resolves to it, so the `Email Bounced` event lands on that profile
 * (the live one, if it was merged since).
 */
export function createSendLookup(db: Database, codec: PiiCodec): SendLookup {
  const dialect = { dialect: db.dialect };

  /** The live profile of each id (following merges), and an identity of it: user id, else anonymous id, else email. */
  async function identities(profileIds: readonly string[]): Promise<Map<string, SendMatch['identity']>> {
    const live = new Map<string, string>(profileIds.map((id) => [id, id]));
    let ask = [...new Set(profileIds)];
    const alive = new Set<string>();
    for (let hop = 0; ask.length && hop < MAX_MERGE_HOPS; hop++) {
      const f = inIds(dialect, 'id', ask);
      const rows = await db.read<{ id: string; merged_into: string | null }>(`SELECT id, merged_into FROM profiles WHERE ${f.where}`, [f.param]);
      const next = new Map<string, string>();
      for (const r of rows) if (r.merged_into) next.set(r.id, r.merged_into); else alive.add(r.id);
      for (const [from, cur] of live) if (next.has(cur)) live.set(from, next.get(cur)!);
      ask = [...new Set(next.values())].filter((id) => !alive.has(id));
    }
    const ids = [...new Set(live.values())].filter((id) => alive.has(id));
    const found = new Map<string, { kind: string; value: string }>();
    if (ids.length) {
      const f = inIds(dialect, 'profile_id', ids);
      // user_id > email > anonymous_id as text: a user id is the most stable way back to the profile.
      const rows = await db.read<{ profile_id: string; kind: string; value: string }>(`SELECT profile_id, kind, value FROM identities
        WHERE ${f.where} ORDER BY profile_id, CASE kind WHEN 'user_id' THEN 0 WHEN 'anonymous_id' THEN 1 ELSE 2 END, created_at, lookup`, [f.param]);
      for (const r of rows) if (!found.has(r.profile_id)) found.set(r.profile_id, { kind: r.kind, value: codec.open(r.value) });
    }
    const out = new Map<string, SendMatch['identity']>();
    for (const [from, to] of live) {
      const i = found.get(to);
      out.set(from, !i ? null : i.kind === 'user_id' ? { userId: i.value } : i.kind === 'anonymous_id' ? { anonymousId: i.value } : { email: i.value });
    }
    return out;
  }

  async function matches(rows: Row[]): Promise<SendMatch[]> {
    const who = await identities(rows.map((r) => r.profile_id));
    return rows.map((r) => ({
      messageId: r.message_id, campaignId: r.campaign_id, step: toInt(r.step), arm: r.arm, profileId: r.profile_id, email: r.email,
      identity: who.get(r.profile_id) ?? null, sentAt: fromTsOrNull(r.sent_at),
    }));
  }

  return {
    byMessageIds: async (ids) => {
      const out = new Map<string, SendMatch>();
      if (!ids.length) return out;
      const f = inIds(dialect, 'message_id', [...new Set(ids)]);
      for (const m of await matches(await db.read<Row>(`SELECT ${COLUMNS} FROM sends WHERE ${f.where}`, [f.param]))) out.set(m.messageId, m);
      return out;
    },

    /**
     * Only reports whose headers were cut to the Feedback-ID get here (rare), so one query per
     * token, narrowed to its campaigns' rows through sends_campaign_state: a prefix match on
     * message_id cannot use its index on PostgreSQL under a non-C collation. The Feedback-ID holds
     * the campaign id's first 20 characters (core/campaigns/outgoing-message.ts), so the campaigns
     * are found by that prefix (a small table), besides the id as given.
     */
    byTokens: async (keys: readonly FeedbackKey[]) => {
      const out = new Map<string, SendMatch>();
      const unique = [...new Map(keys.map((k) => [`${k.campaignId}\u0000${k.step}\u0000${k.token}`, k])).values()];
      const rows: Row[] = [];
      for (const k of unique) {
        const campaigns = (await db.read<{ id: string }>(`SELECT id FROM campaigns WHERE substr(id, 1, ${k.campaignId.length}) = ?`, [k.campaignId])).map((r) => r.id);
        const f = inIds(dialect, 'campaign_id', [...new Set([k.campaignId, ...campaigns])]);
        const prefix = `${k.token}@`;
        rows.push(...await db.read<Row>(`SELECT ${COLUMNS} FROM sends WHERE ${f.where} AND step = ? AND ${WENT_OUT}
          AND substr(message_id, 1, ${prefix.length}) = ?`, [f.param, k.step, prefix]));
      }
      for (const m of await matches(rows)) out.set(m.messageId.split('@')[0]!, m);
      return out;
    },

    latestByEmail: async (emails) => {
      const out = new Map<string, SendMatch>();
      const list = [...new Set(emails.map((e) => e.trim().toLowerCase()))];
      if (!list.length) return out;
      const f = inIds(dialect, 'lower(email)', list);
      const rows = await db.read<Row>(`SELECT ${COLUMNS} FROM sends WHERE ${f.where} AND ${WENT_OUT}
        ORDER BY COALESCE(sent_at, updated_at) DESC, id DESC`, [f.param]);
      const latest = new Map<string, Row>();
      for (const r of rows) {
        const key = (r.email ?? '').toLowerCase();
        if (!latest.has(key)) latest.set(key, r);
      }
      for (const m of await matches([...latest.values()])) out.set(m.email!.toLowerCase(), m);
      return out;
    },
  };
}
