import type { TemplateSource } from '../core/content/compile.ts';
import type { SendState } from '../core/campaigns/ports.ts';
import type { CampaignSpecInput } from '../core/schemas/campaign.ts';
import type { Tailor } from '../main.ts';
import { SHOP_URL } from './catalog.ts';
import { DEMO_TEMPLATE_NAME } from './demo-templates.ts';

/**
 * The demo's campaigns, left in draft so that a fresh `npm start` shows them without mailing
 * anyone: a "Spring sale" broadcast to the active customers with the weekly template, and the
 * cart-abandonment recipe (a reminder listing the cart 1 h after `Product Added`, an offer 24 h
 * after it, both skipped once the person orders). `tailor demo --send` launches the broadcast
 * (sendDemoBroadcast). The demo's planted consent (demo-consent.ts) makes suppression visible.
 */
export const DEMO_AUDIENCE = {
  name: 'Active customers (180 days)',
  description: 'viewed a product or opened an email in the last 180 days: the demo newsletter audience',
  // Consent is deliberately not part of the rule: the sender checks it per recipient and records why it skipped someone.
  rules: { any: [{ event: 'Product Viewed', within: '180d' }, { event: 'Email Opened', within: '180d' }] },
};

export const DEMO_FROM = 'Tailor Demo Shop <news@shop.example.com>';

export const DEMO_BROADCAST: CampaignSpecInput = {
  name: 'Spring sale',
  kind: 'broadcast',
  description: 'the demo newsletter: personal picks for every active customer; `tailor demo --send` mails it to the outbox',
  audience: { segments: [DEMO_AUDIENCE.name] },
  template: DEMO_TEMPLATE_NAME,
  topic: 'newsletter',
  from: DEMO_FROM,
};

export const CART_REMINDER_TEMPLATE = 'Cart reminder';
export const CART_OFFER_TEMPLATE = 'Cart offer';

/*
 * Both cart templates get `event` = the triggering `Product Added`'s properties, with `event.all`
 * = every `Product Added` since the trigger, oldest first: the cart as it grew. Liquid output is
 * HTML-escaped by default; URLs also go through `safe_url`, which refuses `javascript:` and the like.
 */
const CART_ITEMS = `{% for item in event.all limit: 10 %}<mj-section padding="4px 0"><mj-column width="30%">
  <mj-image width="120px" src="{{ item.image_url | image_size: 240 | safe_url }}" alt="{{ item.name }}" href="{{ item.url | safe_url }}" />
  </mj-column><mj-column width="70%"><mj-text><a href="{{ item.url | safe_url }}">{{ item.name }}</a>{% if item.quantity > 1 %} × {{ item.quantity }}{% endif %}<br/>{{ item.price | money: item.currency }}</mj-text>
  </mj-column></mj-section>{% endfor %}`;

const HEAD = '<mjml><mj-head><mj-attributes><mj-all font-family="Helvetica, Arial, sans-serif" /></mj-attributes></mj-head><mj-body>';

export const CART_REMINDER: TemplateSource = {
  format: 'mjml',
  subject: '{{ profile.first_name | default: "Hi" }}, you left {% if event.all.size > 1 %}{{ event.all.size }} items{% else %}{{ event.name | default: "something" }}{% endif %} in your cart',
  preheader: 'Your cart is saved: pick up where you left off',
  body: `${HEAD}
{% render 'header' %}
<mj-section><mj-column><mj-text>Still thinking it over? Your cart is waiting for you:</mj-text></mj-column></mj-section>
${CART_ITEMS}
<mj-section><mj-column><mj-button href="${SHOP_URL}/cart">Back to my cart</mj-button></mj-column></mj-section>
{% render 'footer' %}
</mj-body></mjml>`,
};

export const CART_OFFER_CODE = 'CART10';

export const CART_OFFER: TemplateSource = {
  format: 'mjml',
  subject: '{{ profile.first_name | default: "Hi" }}, 10% off what is in your cart',
  preheader: 'Use ${CART_OFFER_CODE} today',
  body: `${HEAD}
{% render 'header' %}
<mj-section><mj-column><mj-text>Your picks are still here, and for today they are 10% off with the code <strong>${CART_OFFER_CODE}</strong>.</mj-text></mj-column></mj-section>
${CART_ITEMS}
<mj-section><mj-column><mj-button href="${SHOP_URL}/cart?coupon=${CART_OFFER_CODE}">Use my 10% off</mj-button></mj-column></mj-section>
{% render 'product-grid', products: recommendations %}
{% render 'footer' %}
</mj-body></mjml>`,
};

export interface CartRecipeOptions {
  name?: string;
  from?: string;
  reminderTemplate?: string;
  offerTemplate?: string;
  /** The preference topic people can leave on their own. */
  topic?: string;
}

/**
 * Cart abandonment, as a triggered campaign: `Product Added`, then after 1 h a reminder with the
 * cart's items, then 23 h later (24 h after the trigger) an offer; each send is skipped once the
 * person completed an order after the trigger. One sequence per person per day: the further items
 * they add that day are in `event.all` rather than starting new sequences.
 */
export function cartAbandonmentRecipe(opts: CartRecipeOptions = {}): CampaignSpecInput {
  return {
    name: opts.name ?? 'Cart abandonment',
    kind: 'triggered',
    description: 'a reminder 1 h after an add-to-cart and an offer after 24 h, unless the person orders',
    trigger: { event: 'Product Added' },
    steps: [
      { delay: '1h', template: opts.reminderTemplate ?? CART_REMINDER_TEMPLATE },
      { delay: '23h', template: opts.offerTemplate ?? CART_OFFER_TEMPLATE },
    ],
    exit: { event: 'Order Completed' },
    reentry: { afterDays: 1 },
    topic: opts.topic ?? 'cart_reminders',
    from: opts.from ?? DEMO_FROM,
  };
}

/**
 * Creates what is missing of the demo's campaigns: the audience segment, the two cart templates,
 * the broadcast and the recipe (all drafts). Needs the demo content (the blocks and the weekly
 * template, demo-templates.ts). Returns the names of the campaigns it created.
 */
export async function createDemoCampaigns(t: Tailor): Promise<string[]> {
  if (!(await t.segments.list()).some((s) => s.name === DEMO_AUDIENCE.name)) await t.segments.create(DEMO_AUDIENCE);
  const templates = new Set((await t.templates.list()).map((x) => x.name));
  for (const [name, source] of [[CART_REMINDER_TEMPLATE, CART_REMINDER], [CART_OFFER_TEMPLATE, CART_OFFER]] as const) {
    if (!templates.has(name)) await t.templates.create({ name, kind: 'marketing', ...source });
  }
  const have = new Set((await t.campaigns.campaigns.list()).map((c) => c.name));
  const created: string[] = [];
  for (const spec of [DEMO_BROADCAST, cartAbandonmentRecipe()]) {
    if (have.has(spec.name)) continue;
    created.push((await t.campaigns.campaigns.create(spec)).name);
  }
  return created;
}

export interface DemoSendResult {
  campaign: string;
  /** False when the broadcast had been launched before (these are the counts of that send). */
  launched: boolean;
  counts: Record<SendState, number>;
  /** Why recipients got nothing (suppressed, deferred or failed), with counts. */
  reasons: { state: SendState; reason: string; count: number }[];
}

/** Work rounds before giving up on the send loop settling (each round claims a batch). */
const MAX_ROUNDS = 100_000;

/**
 * Launches the demo broadcast (if still a draft) and runs the send loop in this process until it
 * has nothing more to do now; deferred messages (caps, quiet hours) stay for `tailor serve`.
 */
export async function sendDemoBroadcast(t: Tailor, onRound?: (counts: Record<SendState, number>) => void): Promise<DemoSendResult> {
  let c = await t.campaigns.campaigns.get(DEMO_BROADCAST.name);
  const launched = c.status === 'draft';
  if (launched) c = await t.campaigns.campaigns.launch(c.id);
  for (let i = 0; ; i++) {
    if ((await t.campaigns.work.tick()) === 0) break;
    if (i >= MAX_ROUNDS) throw new Error('the send loop did not settle');
    if (onRound) onRound(await t.campaigns.campaigns.counts(c));
  }
  return { campaign: c.name, launched, counts: await t.campaigns.campaigns.counts(c), reasons: await t.campaigns.campaigns.reasons(c) };
}
