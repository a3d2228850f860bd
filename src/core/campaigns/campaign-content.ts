import type { Liquid, Template } from 'liquidjs';
import { createLiquid } from '../content/liquid-env.ts';
import type { RenderedMessage } from '../content/render.ts';
import type { TemplateDeps, TemplateService } from '../content/template-service.ts';
import type { CampaignRecord, SendRow } from './ports.ts';

export interface ContentDeps {
  templates: Pick<TemplateService, 'get' | 'preparedFor'>;
  contextFor: TemplateDeps['contextFor'];
  /** An experiment's arms: key → what the arm changes (`subject`, `template`, `from_name`, …). */
  arms(experiment: string): Promise<Map<string, Record<string, unknown>>>;
  /** The batch form of contextFor (content/recipient-context.ts), for `prefetch`. */
  contextsFor?: (profileIds: readonly string[]) => Promise<Map<string, (extras: Parameters<TemplateDeps['contextFor']>[1]) => Record<string, unknown>>>;
  /** Makes a rendered message ready for open and click tracking (tracking/track-message.ts); none: sent as rendered. */
  track?: (c: CampaignRecord, row: Pick<SendRow, 'profileId' | 'step' | 'arm' | 'messageId'>, message: RenderedMessage) => Promise<RenderedMessage>;
}

export type Rendered = { ok: true; message: RenderedMessage; fromName: string | undefined; template: string; version: number } | { ok: false; error: string };

/** The template a row renders: its step's, or its arm's, or the campaign's. */
export function templateOf(c: CampaignRecord, step: number, arm: Record<string, unknown> | undefined): string | undefined {
  if (typeof arm?.template === 'string') return arm.template;
  return c.spec.steps?.[step]?.template ?? c.spec.template;
}

/**
 * Renders one row: the template version pinned when the campaign was launched (so every recipient
 * gets what was previewed), with the arm's changes applied. Subject and preheader overrides are
 * Liquid, parsed once per campaign. A failure is that recipient's, never the batch's.
 */
export class CampaignContent {
  private readonly text: Liquid = createLiquid(false);
  private readonly parsed = new Map<string, Template[]>();
  private readonly armCache = new Map<string, Map<string, Record<string, unknown>>>();
  private readonly templates = new Map<string, ReturnType<ContentDeps['templates']['get']>>();
  private prefetched = new Map<string, (extras: Parameters<TemplateDeps['contextFor']>[1]) => Record<string, unknown>>();

  constructor(private readonly d: ContentDeps) {}

  /** Reads a batch's recipients at once; `render` then builds their contexts without a query each. */
  async prefetch(profileIds: readonly string[]): Promise<void> {
    this.prefetched = this.d.contextsFor ? await this.d.contextsFor(profileIds) : new Map();
    // The newest version of an unpinned template (transactional mail) is read again once a batch.
    for (const k of this.templates.keys()) if (k.endsWith('\u0000')) this.templates.delete(k);
  }

  /** A template version; a pinned version never changes, so it is read once. */
  private template(name: string, version: number | undefined) {
    const key = `${name}\u0000${version ?? ''}`;
    let t = this.templates.get(key);
    if (!t) {
      t = this.d.templates.get(name, version);
      this.templates.set(key, t);
      t.catch(() => this.templates.delete(key));
    }
    return t;
  }

  async arm(c: CampaignRecord, key: string | null): Promise<Record<string, unknown> | undefined> {
    if (!key || !c.spec.experiment) return undefined;
    return (await this.arms(c.spec.experiment)).get(key);
  }

  /** The first arm of the campaign's experiment (what a test send shows), or null. */
  async firstArm(c: CampaignRecord): Promise<string | null> {
    if (!c.spec.experiment) return null;
    return [...(await this.arms(c.spec.experiment)).keys()][0] ?? null;
  }

  private async arms(experiment: string): Promise<Map<string, Record<string, unknown>>> {
    let arms = this.armCache.get(experiment);
    if (!arms) this.armCache.set(experiment, (arms = await this.d.arms(experiment)));
    return arms;
  }

  /**
   * `inertLinks`: a test send's unsubscribe, preferences and view links point nowhere, so that a
   * tester who clicks them does not unsubscribe the profile the message was rendered for; and it is
   * not tracked, so that a tester's clicks neither count nor identify their browser as that profile.
   */
  async render(c: CampaignRecord, row: Pick<SendRow, 'profileId' | 'step' | 'arm' | 'messageId'>, event?: Record<string, unknown>,
    opts: { inertLinks?: boolean } = {}): Promise<Rendered> {
    const arm = await this.arm(c, row.arm);
    const name = templateOf(c, row.step, arm);
    if (!name) return { ok: false, error: 'the campaign names no template' };
    let t;
    try {
      t = await this.template(name, c.pinned[name]);
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
    const campaign = { id: c.id, name: c.name, step: row.step, arm: row.arm, message_id: row.messageId, topic: c.spec.topic ?? null, ...(arm ? { experiment: arm } : {}) };
    let context: Record<string, unknown>;
    try {
      const extras = { ...(event ? { event } : {}), campaign, templateId: t.template.id };
      const ready = this.prefetched.get(row.profileId);
      context = ready ? ready(extras) : await this.d.contextFor(row.profileId, extras);
      if (opts.inertLinks) context = { ...context, unsubscribe_url: '#test-send', preferences_url: '#test-send', view_in_browser_url: '#test-send' };
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
    const subject = arm?.subject ?? c.spec.steps?.[row.step]?.subject;
    let subjectText: string | undefined;
    let preheader: string | undefined;
    try {
      if (typeof subject === 'string') subjectText = this.renderText(subject, context);
      // An arm's preheader goes into the body too (the hidden preview text), not only the field.
      if (typeof arm?.preheader === 'string') preheader = this.renderText(arm.preheader, context);
    } catch (e) {
      return { ok: false, error: `subject: ${(e as Error).message}` };
    }
    const r = this.d.templates.preparedFor(t.version).render(context, { preheader });
    if (!r.ok) return r;
    const { ok: _ok, ...message } = r;
    if (subjectText !== undefined) message.subject = subjectText;
    // A template that opts out of tracking is sent as rendered, whatever the campaign asks.
    const sent = this.d.track && !opts.inertLinks && t.template.tracking ? await this.d.track(c, row, message) : message;
    return { ok: true, message: sent, fromName: typeof arm?.from_name === 'string' ? arm.from_name : undefined, template: t.template.name, version: t.version.version };
  }

  private renderText(src: string, context: Record<string, unknown>): string {
    let p = this.parsed.get(src);
    if (!p) this.parsed.set(src, (p = this.text.parse(src)));
    return (this.text.renderSync(p, {}, { globals: context }) as string).replace(/\s+/g, ' ').trim();
  }
}
