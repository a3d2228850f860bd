/**
 * A generated event before it becomes a Segment message. `channel` says who sends it, which decides
 * the ids it carries (see demo-messages.ts):
 * - web: the shop's browser tracking (analytics.js): the anonymous id, plus the user id once known;
 * - server: the shop backend or the email platform: the user id only.
 */
export interface DemoEvent {
  type: 'identify' | 'track' | 'page';
  channel: 'web' | 'server';
  at: number;
  event?: string;
  name?: string;
  traits?: Record<string, unknown>;
  properties?: Record<string, unknown>;
  /** Segment's context, e.g. consent (demo-consent.ts). */
  context?: Record<string, unknown>;
}
