/**
 * Strings that both databases store and compare the same way. Two kinds of character do not
 * survive the trip: NUL (PostgreSQL's text and jsonb cannot hold it, so the driver strips it, while
 * SQLite keeps it, and SQLite's JSON paths end at it) and an unpaired UTF-16 surrogate (it becomes
 * U+FFFD when encoded as UTF-8, but its JSON escape `\ud800` is refused by jsonb and decoded to
 * different bytes by SQLite's JSON functions). A string compared as a key, an id or a name must
 * not hold either: it is refused. Free-form values are repaired instead (see clean-json.ts).
 */

/** Ids (userId, anonymousId, messageId, groupId, previousId) and profile look-ups: at most this many UTF-16 units. */
export const MAX_ID_LENGTH = 256;

const NUL = '\u0000';

/** A zod refinement with textIssue: `z.string().superRefine(refuseUnsafeText)`. */
export function refuseUnsafeText(s: string, ctx: { addIssue(issue: { code: 'custom'; message: string }): void }): void {
  const issue = textIssue(s);
  if (issue) ctx.addIssue({ code: 'custom', message: issue });
}

/** Why `s` cannot be an id, a name or a path, or undefined when it can. */
export function textIssue(s: string): string | undefined {
  if (s.includes(NUL)) return 'must not hold a NUL character (\\u0000)';
  if (!s.isWellFormed()) return 'must not hold an unpaired UTF-16 surrogate';
  return undefined;
}

export const isSafeText = (s: string): boolean => !s.includes(NUL) && s.isWellFormed();

/** `s` with NUL removed and unpaired surrogates replaced by U+FFFD: what PostgreSQL would store, on both dialects. */
export const repairText = (s: string): string => {
  const t = s.includes(NUL) ? s.replaceAll(NUL, '') : s;
  return t.isWellFormed() ? t : t.toWellFormed();
};
