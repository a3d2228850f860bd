import type { ProfileQueriesPort } from '../core/profiles/ports.ts';
import type { Message } from '../core/schemas/segment-message.ts';
import { identifyVisitor } from '../core/tracking/site-visitor.ts';
import type { Base } from './base.ts';

/** Site tracking: the site snippet's identify, which ties a browser that came from an email to its recipient. */
export function wireSite(b: Base, d: {
  secret: () => Promise<string>;
  profiles: Pick<ProfileQueriesPort, 'resolve' | 'get'>;
  ingest: (messages: Message[]) => Promise<unknown>;
}) {
  return {
    identifyVisitor: (body: unknown) => identifyVisitor(body, {
      secret: d.secret, ingest: d.ingest, now: b.now, newMessageId: () => `tailor-${b.newId()}`,
      // The token names the profile the email went to; it may have merged into another since.
      identities: async (profileId) => {
        const live = await d.profiles.resolve({ id: profileId });
        return live ? ((await d.profiles.get(live, 0))?.identities ?? null) : null;
      },
    }),
  };
}
