export { BLOCKS, TEMPLATE } from '../../src/demo/demo-templates.ts';

/**
 * The "typical template" of the render benchmark (issue: header, three conditional blocks, a
 * 4-item recommendations grid, footer) is the demo's weekly template; and recipients to render it for.
 */
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
