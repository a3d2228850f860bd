import { z } from 'zod';
import { refuseUnsafeText } from './safe-text.ts';
import { DurationSchema, PropFilterSchema, validationError } from './segment-rule.ts';

/**
 * A campaign's definition. A broadcast mails an audience (segments, minus excluded ones, or a
 * list of profiles) once, or once per cron occurrence; a triggered campaign mails each person a
 * short sequence of steps after an event or a segment entry, until its exit condition holds.
 * Content is a template or an experiment (whose arms vary the content and whose assignments are
 * the send list).
 */
const name = z.string().min(1).max(200).superRefine(refuseUnsafeText);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time is "HH:MM", 00:00-23:59');
/** "Name <addr@host>" or a bare address; the header is built by the transport. */
const mailbox = z.string().min(3).max(320).superRefine(refuseUnsafeText).refine((s) => /^[^<>]*<[^<>\s@]+@[^<>\s@]+>$|^[^<>\s@]+@[^<>\s@]+$/.test(s.trim()), 'an address is "Name <user@host>" or "user@host"');
const topic = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'a topic is 1-40 lower-case letters, digits, "_" or "-"');

export const CapSchema = z.union([
  z.strictObject({ max: z.number().int().min(1).max(1000), per: z.literal('day') }),
  z.strictObject({ max: z.number().int().min(1).max(1000), per: z.literal('rolling'), window: DurationSchema }),
]);
export const QuietHoursSchema = z.strictObject({ start: hhmm, end: hhmm });

const ScheduleSchema = z.strictObject({
  /** An instant (ISO 8601); absent: when launched. */
  at: z.iso.datetime({ offset: true }).optional(),
  /** Each recipient at this wall-clock time in their own zone, on the first such moment after `at` (or launch). */
  localTime: hhmm.optional(),
  /** Recurring: a new occurrence (with the audience resolved again) at every match, in `timezone`. */
  cron: z.string().min(9).max(100).optional(),
  timezone: z.string().min(1).max(64).optional(),
});

const StepSchema = z.strictObject({
  /** After the trigger (first step) or the previous step. */
  delay: DurationSchema.or(z.literal('0m')).default('0m'),
  template: name,
  /** Overrides the template's subject for this step (Liquid). */
  subject: z.string().min(1).max(1000).optional(),
});

const TriggerSchema = z.strictObject({
  event: name.optional(),
  where: z.array(PropFilterSchema).max(20).optional(),
  segmentEntered: name.optional(),
}).refine((t) => (t.event === undefined) !== (t.segmentEntered === undefined), 'a trigger is either an event or segmentEntered');

export const CampaignSpecSchema = z.strictObject({
  name,
  kind: z.enum(['broadcast', 'triggered']).default('broadcast'),
  description: z.string().max(2000).optional(),
  audience: z.strictObject({
    segments: z.array(name).max(20).default([]),
    exclude: z.array(name).max(20).default([]),
    profiles: z.array(z.string().min(1).max(256)).max(10_000).optional(),
  }).optional(),
  template: name.optional(),
  experiment: name.optional(),
  from: mailbox.optional(),
  replyTo: mailbox.optional(),
  /** A preference topic: recipients unsubscribed from it are skipped. */
  topic: topic.optional(),
  /** Open and click tracking (both on unless turned off), the decoy link for scanners, and UTM parameters for tracked links. */
  tracking: z.strictObject({
    opens: z.boolean().default(true),
    clicks: z.boolean().default(true),
    decoy: z.boolean().default(true),
    utm: z.partialRecord(z.enum(['source', 'medium', 'campaign', 'term', 'content']), z.string().min(1).max(200)).optional(),
  }).optional(),
  schedule: ScheduleSchema.optional(),
  trigger: TriggerSchema.optional(),
  /** Triggered campaigns: the sends, in order. A broadcast has one step, its template. */
  steps: z.array(StepSchema).min(1).max(10).optional(),
  /** Triggered: a send is skipped (and the sequence stops) once the person did this after the trigger. */
  exit: z.strictObject({ event: name, where: z.array(PropFilterSchema).max(20).optional() }).optional(),
  reentry: z.union([z.literal('once'), z.literal('always'), z.strictObject({ afterDays: z.number().int().min(1).max(3650) })]).default('once'),
  /** Caps and quiet hours of this campaign, on top of the global ones. */
  caps: z.array(CapSchema).max(5).default([]),
  quietHours: QuietHoursSchema.nullable().optional(),
  /** Send-time optimisation (core/sto): each recipient at their predicted best hour of the window that starts at the occurrence; a share `explore` at a random hour. */
  sendTime: z.strictObject({
    optimize: z.literal(true),
    window: z.string().regex(/^([1-9]\d{0,2})(h|d)$/, 'a window is hours or days, e.g. "24h" or "7d"')
      .refine((w) => { const h = sendTimeWindowHours(w); return h >= 1 && h <= 168; }, 'a window is 1h to 7d').default('24h'),
    explore: z.number().min(0).max(1).default(0.1),
  }).optional(),
  /** Last-touch attribution windows in days (core/tracking/attribution.ts): a human click, else a human open. */
  attribution: z.strictObject({
    clickDays: z.number().min(0).max(30).default(5),
    openDays: z.number().min(0).max(30).default(1),
  }).optional(),
}).superRefine((s, ctx) => {
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  // An experiment's arms may each name a template; otherwise they vary the campaign's template.
  if (s.template === undefined && s.experiment === undefined && !s.steps) issue('template', 'give a template (or an experiment whose arms name templates)');
  if (s.kind === 'broadcast') {
    if (!s.audience || (!s.audience.segments.length && !s.audience.profiles?.length) ) {
      if (!s.experiment) issue('audience', 'a broadcast needs audience.segments or audience.profiles (or an experiment with a segment)');
    }
    if (s.trigger) issue('trigger', 'a broadcast has no trigger; use kind "triggered"');
    if (s.steps) issue('steps', 'a broadcast has one step, its template');
  } else {
    if (!s.trigger) issue('trigger', 'a triggered campaign needs a trigger (event or segmentEntered)');
    if (s.schedule?.cron) issue('schedule', 'a triggered campaign runs on its trigger, not on a cron');
    if (s.experiment) issue('experiment', 'experiments run on broadcasts');
  }
  if (s.schedule?.cron && s.schedule.localTime) issue('schedule', 'give cron or localTime, not both');
  if (s.sendTime && (s.kind !== 'broadcast' || s.schedule?.localTime)) issue('sendTime', 'send-time optimisation is for broadcasts without schedule.localTime');
});

/** A sendTime window ("24h", "7d") in hours. */
export function sendTimeWindowHours(w: string): number {
  const n = Number.parseInt(w, 10);
  return w.endsWith('d') ? n * 24 : n;
}

export type CampaignSpecInput = z.input<typeof CampaignSpecSchema>;
export type CampaignSpec = z.output<typeof CampaignSpecSchema>;
export type CapSpec = z.output<typeof CapSchema>;
export type QuietHoursSpec = z.output<typeof QuietHoursSchema>;

export function parseCampaignSpec(v: unknown, field = 'campaign'): CampaignSpec {
  const r = CampaignSpecSchema.safeParse(v);
  if (!r.success) throw validationError(field, r.error);
  return r.data;
}
