import type { SentMessage } from './sender.ts';

/** An event the sender writes on a profile it knows by id. */
export interface ProfileEvent { messageId: string; profileId: string; name: string; at: number; properties: Record<string, unknown> }

/**
 * Segment's `Email Delivered` for each message the transport accepted, with what tracking and
 * attribution need later: campaign, step, arm and the message id. (An SMTP 250 means the next hop
 * took the message; a later bounce report adds `Email Bounced`.)
 */
export function deliveredEvents(sent: readonly SentMessage[]): ProfileEvent[] {
  return sent.map((s) => ({
    messageId: `email-delivered:${s.row.messageId}`,
    profileId: s.row.profileId,
    name: 'Email Delivered',
    at: s.at,
    properties: {
      campaign_id: s.campaign.id, campaign_name: s.campaign.name, step: s.row.step, arm: s.row.arm,
      email_id: s.row.messageId, email_subject: s.message.subject, ...(s.campaign.spec.topic ? { topic: s.campaign.spec.topic } : {}),
    },
  }));
}
