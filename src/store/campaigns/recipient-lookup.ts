import type { RecipientFacts, RecipientLookup } from '../../core/campaigns/ports.ts';
import type { PiiCodec } from '../../core/pii-codec.ts';
import type { PropFilter } from '../../core/schemas/segment-rule.ts';
import { passes } from '../../core/segments/evaluate.ts';
import { fromJson, toTs } from '../sql/codec.ts';
import type { Database } from '../sql/database.ts';
import { inIds } from '../sql/id-list.ts';

/**
 * What the sender reads about recipients just before sending, a batch at a time: one query per
 * table for the whole batch (profiles, email identities, consents, segment memberships).
 */
export function createRecipientLookup(db: Database, codec: PiiCodec): RecipientLookup {
  const dialect = { dialect: db.dialect };
  return {
    facts: async (profileIds, segmentNames) => {
      const out = new Map<string, RecipientFacts>();
      const ids = [...new Set(profileIds)];
      if (!ids.length) return out;
      const who = (column: string) => inIds(dialect, column, ids);
      const names = inIds(dialect, 's.name', [...new Set(segmentNames)]);
      const [profiles, emails, consents, members] = await Promise.all([
        db.read<{ id: string; traits: unknown; merged_into: string | null }>(
          `SELECT id, traits, merged_into FROM profiles WHERE ${who('id').where}`, [who('id').param]),
        // The oldest email identity first: the address the profile was first known by.
        db.read<{ profile_id: string; value: string }>(`SELECT profile_id, value FROM identities
          WHERE kind = 'email' AND ${who('profile_id').where} ORDER BY profile_id, created_at, lookup`, [who('profile_id').param]),
        db.read<{ profile_id: string; purpose: string; granted: unknown }>(
          `SELECT profile_id, purpose, granted FROM consents WHERE ${who('profile_id').where}`, [who('profile_id').param]),
        segmentNames.length
          ? db.read<{ profile_id: string; name: string }>(`SELECT m.profile_id, s.name FROM segment_memberships m
            JOIN segments s ON s.id = m.segment_id WHERE m.exited_at IS NULL AND ${who('m.profile_id').where} AND ${names.where}`,
          [who('m.profile_id').param, names.param])
          : Promise.resolve([]),
      ]);
      const firstEmail = new Map<string, string>();
      for (const e of emails) if (!firstEmail.has(e.profile_id)) firstEmail.set(e.profile_id, codec.open(e.value));
      for (const p of profiles) {
        const traits = fromJson<Record<string, unknown> | null>(p.traits) ?? {};
        out.set(p.id, {
          profileId: p.id,
          exists: p.merged_into === null,
          email: typeof traits.email === 'string' && traits.email.trim() !== '' ? traits.email : firstEmail.get(p.id) ?? null,
          zone: typeof traits.timezone === 'string' ? traits.timezone : undefined,
          traits,
          consents: new Map(),
          segments: new Set(),
        });
      }
      // An id with no profile row (erased) is a profile that does not exist.
      for (const id of ids) {
        if (!out.has(id)) out.set(id, { profileId: id, exists: false, email: null, zone: undefined, traits: {}, consents: new Map(), segments: new Set() });
      }
      for (const c of consents) out.get(c.profile_id)?.consents.set(c.purpose, Number(c.granted) === 1);
      for (const m of members) out.get(m.profile_id)?.segments.add(m.name);
      return out;
    },

    hadEvent: async (profileId, name, since, where) => {
      const filters = (where ?? []) as PropFilter[];
      // Without filters, one row answers; with them, the profile's matching events are checked here
      // with the rule language's own comparison (the segment evaluator's).
      const rows = await db.read<{ properties: unknown }>(`SELECT properties FROM events WHERE profile_id = ? AND name = ? AND timestamp > ?
        AND type IN ('track', 'page', 'screen')${filters.length ? '' : ' LIMIT 1'}`, [profileId, name, toTs(db.dialect, since)]);
      if (!filters.length) return rows.length > 0;
      return rows.some((r) => passes({ properties: fromJson<Record<string, unknown> | null>(r.properties) ?? {} }, filters));
    },

    eventsSince: async (profileId, name, since, limit) => (await db.read<{ properties: unknown }>(`SELECT properties FROM events
      WHERE profile_id = ? AND name = ? AND timestamp > ? AND type IN ('track', 'page', 'screen') ORDER BY timestamp, id LIMIT ?`,
    [profileId, name, toTs(db.dialect, since), limit])).map((r) => fromJson<Record<string, unknown> | null>(r.properties) ?? {}),
  };
}
