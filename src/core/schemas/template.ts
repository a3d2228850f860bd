import { z } from 'zod';
import { validationError } from './segment-rule.ts';
import { refuseUnsafeText } from './safe-text.ts';

/** A template: subject, preheader and body are Liquid; the body is MJML (or HTML, for imports). */
export const TemplateInputSchema = z.strictObject({
  name: z.string().min(1).max(200).superRefine(refuseUnsafeText),
  kind: z.enum(['marketing', 'transactional']).default('marketing'),
  description: z.string().max(2000).optional(),
  subject: z.string().min(1).max(1000),
  preheader: z.string().max(1000).default(''),
  body: z.string().min(1).max(2_000_000),
  format: z.enum(['mjml', 'html']).default('mjml'),
  /** Open and click tracking of messages made from it (false: sent as rendered, whatever the campaign says). */
  tracking: z.boolean().default(true),
});
export type TemplateInput = z.output<typeof TemplateInputSchema>;

export const BlockInputSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,79}$/, 'a block name is 1-80 lower-case letters, digits, "_" or "-"'),
  kind: z.enum(['mjml', 'liquid']).default('mjml'),
  description: z.string().max(2000).optional(),
  body: z.string().min(1).max(500_000),
});
export type BlockInput = z.output<typeof BlockInputSchema>;

export function parseTemplateInput(v: unknown): TemplateInput {
  const r = TemplateInputSchema.safeParse(v);
  if (!r.success) throw validationError('template', r.error);
  return r.data;
}

export function parseBlockInput(v: unknown): BlockInput {
  const r = BlockInputSchema.safeParse(v);
  if (!r.success) throw validationError('block', r.error);
  return r.data;
}
