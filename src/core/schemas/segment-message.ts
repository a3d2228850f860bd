import { z } from 'zod';
import { MAX_ID_LENGTH, refuseUnsafeText as safe } from './safe-text.ts';

/**
 * Segment's HTTP Tracking API messages. Unknown fields are kept (passthrough) because Segment's
 * libraries add their own; ids may arrive as numbers and are kept as strings. Ids and event names
 * are compared, so they may not hold what the databases would store differently (safe-text.ts).
 */
const id = z.union([z.string().trim().min(1).max(MAX_ID_LENGTH).superRefine(safe), z.number().finite()]).transform(String);
const obj = z.record(z.string(), z.unknown());
const time = z.union([z.string(), z.number()]);

const common = {
  messageId: id.optional(),
  userId: id.nullish(),
  anonymousId: id.nullish(),
  timestamp: time.nullish(),
  originalTimestamp: time.nullish(),
  sentAt: time.nullish(),
  context: obj.nullish(),
  integrations: obj.nullish(),
  writeKey: z.string().optional(),
};

// identify's name is stored in the event's name column, like a page's: a string or nothing.
export const identifySchema = z.looseObject({ ...common, name: z.string().nullish(), traits: obj.nullish() });
export const trackSchema = z.looseObject({ ...common, event: z.string().trim().min(1).max(256).superRefine(safe), properties: obj.nullish() });
export const pageSchema = z.looseObject({ ...common, name: z.string().superRefine(safe).nullish(), category: z.string().nullish(), properties: obj.nullish() });
export const screenSchema = pageSchema;
export const groupSchema = z.looseObject({ ...common, groupId: id, traits: obj.nullish() });
export const aliasSchema = z.looseObject({ ...common, previousId: id, userId: id });

export const MESSAGE_TYPES = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export const schemaByType = {
  identify: identifySchema,
  track: trackSchema,
  page: pageSchema,
  screen: screenSchema,
  group: groupSchema,
  alias: aliasSchema,
} as const;

export type RawMessage = z.infer<typeof identifySchema> & {
  event?: string; name?: string | null; category?: string | null; groupId?: string; previousId?: string;
  properties?: Record<string, unknown> | null;
};

/** A message after validation and clock-skew correction; times are epoch milliseconds. */
export interface Message {
  type: MessageType;
  messageId: string;
  userId?: string | undefined;
  anonymousId?: string | undefined;
  event?: string | undefined;
  name?: string | undefined;
  groupId?: string | undefined;
  previousId?: string | undefined;
  traits?: Record<string, unknown> | undefined;
  properties?: Record<string, unknown> | undefined;
  context?: Record<string, unknown> | undefined;
  integrations?: Record<string, unknown> | undefined;
  timestamp: number;
  originalTimestamp?: number | undefined;
  sentAt?: number | undefined;
  receivedAt: number;
  source: string;
}
