/**
 * Segment's email semantic events as Tailor writes them on the profile (DESIGN.md, "the second half
 * of the loop"), and the properties tracking puts on them. Features, segments, experiments,
 * attribution, reports and send-time learning all read these names.
 */
export const EMAIL_DELIVERED = 'Email Delivered';
export const EMAIL_OPENED = 'Email Opened';
export const EMAIL_LINK_CLICKED = 'Email Link Clicked';
/** The name Tailor's demo and earlier imports used for a click; read as a click everywhere. */
export const LEGACY_EMAIL_CLICKED = 'Email Clicked';
export const EMAIL_BOUNCED = 'Email Bounced';
export const EMAIL_MARKED_AS_SPAM = 'Email Marked as Spam';
export const UNSUBSCRIBED = 'Unsubscribed';
export const ORDER_COMPLETED = 'Order Completed';

export const CLICK_EVENTS: readonly string[] = [EMAIL_LINK_CLICKED, LEGACY_EMAIL_CLICKED];

/**
 * The properties of an `Email Opened` / `Email Link Clicked` event. `machine_open` (opens) and
 * `bot` (clicks) are true when the hit was not a person; such events stay on the profile (raw
 * counts) but every "human" number, feature, segment condition, attribution and send-time model
 * leaves them out. `flag_reasons` says which signals fired.
 */
export interface TrackingEventProperties {
  campaign_id: string;
  campaign_name?: string;
  step: number;
  arm: string | null;
  email_id: string;
  experiment_id?: string;
  link_id?: string;
  url?: string;
  user_agent: string | null;
  ip: string | null;
  machine_open?: boolean;
  bot?: boolean;
  flag_reasons?: string[];
}

/** Whether an event's properties mark it as a machine open or a bot click. */
export function isMachineHit(properties: Record<string, unknown> | null | undefined): boolean {
  return properties?.machine_open === true || properties?.bot === true;
}
