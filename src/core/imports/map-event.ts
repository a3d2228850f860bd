import type { Message } from '../schemas/segment-message.ts';
import { textIssue } from '../schemas/safe-text.ts';
import { documentValue, idValue, objectValue, restValues, textValue } from './cell-values.ts';
import type { Columns } from './column-map.ts';
import { eventMessageId } from './message-ids.ts';
import { rowTimestamp } from './row-timestamp.ts';
import { bad, ok, type MapContext, type Mapped, type RowValues } from './types.ts';

const MAX_EVENT_NAME = 256;

/**
 * An events row becomes a `track`. The event name and a customer id are required; the other columns
 * (and a `properties` JSON column, as JSON lines exported from Segment have) are its properties.
 * Without a messageId column the id is a hash of the normalised row, so a re-import is a no-op.
 */
export function mapEvent(row: RowValues, cols: Columns, ctx: MapContext): Mapped<Message> {
  const event = textValue(cols.get(row, 'event'));
  if (event === undefined) return bad(`missing event name (column '${cols.source('event')}')`);
  if (event.length > MAX_EVENT_NAME) return bad(`event name is longer than ${MAX_EVENT_NAME} characters`);
  const eventIssue = textIssue(event);
  if (eventIssue) return bad(`event name ${eventIssue}`);
  const userId = idValue(cols.get(row, 'userId'), 'userId');
  if (!userId.ok) return userId;
  const anonymousId = idValue(cols.get(row, 'anonymousId'), 'anonymousId');
  if (!anonymousId.ok) return anonymousId;
  const email = textValue(cols.get(row, 'email'));
  if (!userId.value && !anonymousId.value && email === undefined) {
    return bad(`missing customer id: the row has no userId or anonymousId (column '${cols.source('userId')}')`);
  }
  const ts = rowTimestamp(row, cols, ctx);
  if (!ts.ok) return ts;
  const fromJson = objectValue(cols.get(row, 'properties'), 'properties');
  if (!fromJson.ok) return fromJson;
  const rest = restValues(row, cols, ctx.inferTypes);
  const props = documentValue(fromJson.value ? { ...fromJson.value, ...rest } : rest, 'properties');
  if (!props.ok) return props;
  const properties = props.value;
  const ctxCol = objectValue(cols.get(row, 'context'), 'context');
  if (!ctxCol.ok) return ctxCol;
  const ctxClean = documentValue(ctxCol.value, 'context');
  if (!ctxClean.ok) return ctxClean;
  let context = ctxClean.value;
  if (email !== undefined) context = { ...context, traits: { ...(context?.traits as Record<string, unknown> | undefined), email } };
  const messageId = idValue(cols.get(row, 'messageId'), 'messageId');
  if (!messageId.ok) return messageId;
  return ok({
    type: 'track',
    messageId: messageId.value ?? eventMessageId([userId.value ?? null, anonymousId.value ?? null, email ?? null, event, ts.value ?? null, properties]),
    userId: userId.value,
    anonymousId: anonymousId.value,
    event,
    properties,
    context,
    timestamp: ts.value ?? ctx.now,
    originalTimestamp: ts.value,
    receivedAt: ctx.now,
    source: ctx.source,
  });
}
