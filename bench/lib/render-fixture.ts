import type { BlockSource } from '../../src/core/content/blocks.ts';
import type { TemplateSource } from '../../src/core/content/compile.ts';

/**
 * The "typical template" of the render benchmark (issue: header, three conditional blocks, a
 * 4-item recommendations grid, footer), and recipients to render it for.
 */
export const BLOCKS = new Map<string, BlockSource>([
  ['header', { name: 'header', kind: 'mjml', body: `<mj-section background-color="#111111"><mj-column>
  <mj-image width="120px" src="https://shop.example/logo.png" alt="Maison Demo" href="{{ view_in_browser_url }}" />
  <mj-text color="#ffffff" align="center">Hello {{ profile.first_name | default: "there" }}</mj-text></mj-column></mj-section>` }],
  ['product-grid', { name: 'product-grid', kind: 'mjml', body: `<mj-section>{% for p in products limit: 4 %}<mj-column width="25%">
  <mj-image src="{{ p.image_url | image_size: 300 }}" alt="{{ p.name }}" href="{{ p.url }}?utm_campaign={{ campaign.id }}" />
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

const NAMES = ['Ana', 'Ben', 'Chloé', 'Dário', 'Eva', 'Fynn', 'Grace', 'Hugo'];
const CITIES = ['Lyon', 'Porto', 'Berlin', 'Milano', 'Utrecht'];
const SEGMENTS = ['Champions', 'At Risk', 'Loyal Customers', 'Hibernating'];

/** The i-th recipient's render context (recommendations precomputed, as in a real send). */
export function recipient(i: number): Record<string, unknown> {
  const recs = Array.from({ length: 4 }, (_, k) => ({
    name: `Product ${(i * 7 + k) % 164}`, price: 19.9 + ((i + k) % 9) * 10, currency: 'EUR',
    url: `https://shop.example/p/${(i * 7 + k) % 164}`, image_url: `https://img.example/p/${(i * 7 + k) % 164}.jpg`,
  }));
  return {
    profile: {
      first_name: i % 10 === 0 ? null : NAMES[i % NAMES.length], city: CITIES[i % CITIES.length], timezone: 'Europe/Paris',
      rfm_segment: SEGMENTS[i % SEGMENTS.length], orders_90d: i % 5, currency: 'EUR', locale: 'fr-FR',
    },
    event: i % 3 === 0 ? { cart: [1, 2], total: 89.5 } : {},
    recommendations: recs,
    campaign: { id: 'cmp-2026-11', name: 'November picks' },
    unsubscribe_url: `https://t.example/u/token${i}`, preferences_url: `https://t.example/p/token${i}`, view_in_browser_url: `https://t.example/v/token${i}`,
  };
}
