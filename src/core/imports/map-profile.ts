import { normalizeEmail } from '../identity/email.ts';
import type { Message } from '../schemas/segment-message.ts';
import { documentValue, idValue, objectValue, restValues, textValue } from './cell-values.ts';
import type { Columns } from './column-map.ts';
import { profileMessageId } from './message-ids.ts';
import { rowTimestamp } from './row-timestamp.ts';
import { bad, ok, type MapContext, type Mapped, type RowValues } from './types.ts';

/**
 * A profiles row becomes an `identify`: userId, anonymousId and email identify the customer, every
 * other column is a trait (email is a trait too: the email identity comes from it).
 */
export function mapProfile(row: RowValues, cols: Columns, ctx: MapContext): Mapped<Message> {
  const userId = idValue(cols.get(row, 'userId'), 'userId');
  if (!userId.ok) return userId;
  const anonymousId = idValue(cols.get(row, 'anonymousId'), 'anonymousId');
  if (!anonymousId.ok) return anonymousId;
  const fromJson = objectValue(cols.get(row, 'traits'), 'traits');
  if (!fromJson.ok) return fromJson;
  const traits = { ...fromJson.value, ...restValues(row, cols, ctx.inferTypes) };
  const email = textValue(cols.get(row, 'email'));
  if (email !== undefined) traits.email = email;
  if (!userId.value && !anonymousId.value) {
    if (email === undefined) return bad('missing customer id: the row has no userId, anonymousId or email');
    // Without another id an invalid email would leave the profile with no identity at all.
    const e = normalizeEmail(email);
    if (!e.ok) return bad(`email is not valid (${e.reason}) and the row has no userId or anonymousId`);
  }
  const ts = rowTimestamp(row, cols, ctx);
  if (!ts.ok) return ts;
  const clean = documentValue(traits, 'traits');
  if (!clean.ok) return clean;
  return ok({
    type: 'identify',
    messageId: profileMessageId([userId.value ?? null, anonymousId.value ?? null, clean.value]),
    userId: userId.value,
    anonymousId: anonymousId.value,
    traits: clean.value,
    timestamp: ts.value ?? ctx.now,
    originalTimestamp: ts.value,
    receivedAt: ctx.now,
    source: ctx.source,
  });
}
