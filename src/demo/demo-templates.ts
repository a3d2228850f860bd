import type { BlockSource } from '../core/content/blocks.ts';
import type { TemplateSource } from '../core/content/compile.ts';
import type { Tailor } from '../main.ts';

/**
 * The demo shop's email content: three blocks (header, a 4-item recommendations grid, footer) and
 * a weekly template with three conditional sections, so that a fresh `npm start` can preview a
 * personalized email (`tailor template render "Weekly picks" --profile <email>`). The render
 * benchmark uses the same template.
 */
export const DEMO_TEMPLATE_NAME = 'Weekly picks';

export const BLOCKS = new Map<string, BlockSource>([
  ['header', { name: 'header', kind: 'mjml', body: `<mj-section background-color="#111111"><mj-column>
  <mj-image width="120px" src="https://shop.example/logo.png" alt="Maison Demo" href="{{ view_in_browser_url }}" />
  <mj-text color="#ffffff" align="center">Hello {{ profile.first_name | default: "there" }}</mj-text></mj-column></mj-section>` }],
  ['product-grid', { name: 'product-grid', kind: 'mjml', body: `<mj-section>{% for p in products limit: 4 %}<mj-column width="25%">
  <mj-image src="{{ p.image_url | image_size: 300 | safe_url }}" alt="{{ p.name }}" href="{{ p.url | safe_url }}?utm_campaign={{ campaign.id }}" />
  <mj-text align="center">{{ p.name }}<br/>{{ p.price | money: p.currency }}</mj-text>
  </mj-column>{% endfor %}</mj-section>` }],
  ['footer', { name: 'footer', kind: 'mjml', body: `<mj-section><mj-column>
  <mj-text font-size="11px" color="#666666">You get this email because you signed up at Maison Demo.
  <a href="{{ preferences_url }}">Preferences</a> · <a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>
  </mj-column></mj-section>` }],
]);

export const TEMPLATE: TemplateSource = {
  format: 'mjml',
  subject: '{{ profile.first_name | default: "Hi" }}, {% if profile.rfm_segment == "Champions" %}a thank-you for you{% else %}new picks for you{% endif %}',
  preheader: 'Picked for {{ profile.city | default: "you" }}: {{ recommendations[0].name }} and more',
  body: `<mjml><mj-head><mj-attributes><mj-all font-family="Helvetica, Arial, sans-serif" /></mj-attributes></mj-head><mj-body>
{% render 'header' %}
{% if profile.rfm_segment == "Champions" %}<mj-section><mj-column><mj-text>As one of our best customers, enjoy early access to the sale.</mj-text></mj-column></mj-section>
{% elsif profile.rfm_segment == "At Risk" %}<mj-section><mj-column><mj-text>We miss you: here is 15% off with WELCOMEBACK.</mj-text><mj-button href="https://shop.example/sale">Shop now</mj-button></mj-column></mj-section>{% endif %}
{% if event.cart %}<mj-section><mj-column><mj-text>You left {{ event.cart.size }} item{% if event.cart.size != 1 %}s{% endif %} in your cart worth {{ event.total | money }}.</mj-text></mj-column></mj-section>{% endif %}
{% if profile.orders_90d > 2 %}<mj-section><mj-column><mj-text>Thanks for your {{ profile.orders_90d }} orders this season.</mj-text></mj-column></mj-section>{% endif %}
{% render 'product-grid', products: recommendations %}
{% render 'footer' %}
</mj-body></mjml>`,
};

/** Creates the demo blocks and template if missing, and builds recommendations; returns what it made. */
export async function createDemoContent(t: Tailor): Promise<{ template: string | null; recommendations: number }> {
  const existing = new Set((await t.templates.listBlocks()).map((b) => b.name));
  for (const b of BLOCKS.values()) if (!existing.has(b.name)) await t.templates.setBlock(b);
  let template: string | null = null;
  if (!(await t.templates.list()).some((x) => x.name === DEMO_TEMPLATE_NAME)) {
    template = (await t.templates.create({ name: DEMO_TEMPLATE_NAME, kind: 'marketing', ...TEMPLATE })).template.name;
  }
  const built = await t.recs.build();
  return { template, recommendations: built.profiles };
}
