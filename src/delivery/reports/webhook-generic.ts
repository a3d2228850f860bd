import { z } from 'zod';
import type { DeliveryReport } from './delivery-report.ts';
import { jsonBody, parseBody, reportEmail, reportTime } from './webhook-body.ts';
import { stripAngles } from './report-values.ts';

/** Tailor's own webhook format, for relays and scripts that are not one of the known providers. */
const event = z.object({
  type: z.enum(['bounce', 'complaint']),
  email: reportEmail,
  messageId: z.string().trim().min(1).optional(),
  severity: z.enum(['hard', 'soft']).optional(),
  status: z.string().optional(),
  reason: z.string().optional(),
  at: reportTime.optional(),
});

export function genericReports(input: unknown): DeliveryReport[] {
  const json = jsonBody(input, 'generic webhook');
  // Not a z.union of the two: a union's error loses the path of the bad value ([2].email).
  const list = Array.isArray(json) ? parseBody(z.array(event), json, 'generic webhook') : [parseBody(event, json, 'generic webhook')];
  return list.map((e): DeliveryReport => {
    const common = {
      email: e.email,
      messageId: e.messageId ? stripAngles(e.messageId) : null,
      feedbackId: null,
      at: e.at ?? null,
      status: e.status ?? null,
      reason: e.reason ?? e.type,
      source: 'generic' as const,
    };
    // A bounce that does not say how bad it was is soft, like SES's Undetermined: an address is
    // only suppressed on evidence that it is permanently bad.
    return e.type === 'bounce' ? { kind: 'bounce', severity: e.severity ?? 'soft', ...common } : { kind: 'complaint', ...common };
  });
}
