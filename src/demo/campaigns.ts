import { CATEGORIES, SHOP_URL } from './catalog.ts';
import { DAY, HOUR } from './local-time.ts';

/**
 * The demo shop's email calendar over the history window: one campaign a week, on Tuesdays at
 * 08:00 UTC (every fourth week on the Saturday instead, so that the history shows how people read at
 * weekends too), alternating a sale (with a coupon) and a new-arrivals newsletter. It depends only on
 * the end date, so every seed shares it. Each campaign counts as sent to every customer who had
 * signed up by then; only opens and clicks are recorded as events.
 */
export type CampaignKind = 'sale' | 'new_arrivals';

export interface DemoCampaign {
  id: string;
  name: string;
  subject: string;
  kind: CampaignKind;
  sentAt: number;
  /** Percentage off with `coupon` (sales only). */
  discount: number;
  coupon: string | undefined;
  /** The main link, then one link per category. */
  links: { url: string; category: string | undefined }[];
}

const SEASONS = ['Winter', 'Winter', 'Spring', 'Spring', 'Spring', 'Summer', 'Summer', 'Summer', 'Autumn', 'Autumn', 'Autumn', 'Winter'];
const DISCOUNTS = [15, 20, 25, 30];

export function demoCampaigns(start: number, end: number): DemoCampaign[] {
  const out: DemoCampaign[] = [];
  // The first Tuesday on or after the start (1970-01-01 was a Thursday, so day 5 is a Tuesday).
  const startDay = Math.ceil(start / DAY);
  const firstTuesday = startDay + ((5 - (startDay % 7) + 7) % 7);
  for (let day = firstTuesday, n = 0; day * DAY + 8 * HOUR < end; day += 7, n++) {
    const sentAt = (n % 4 === 3 ? day + 4 : day) * DAY + 8 * HOUR;
    if (sentAt >= end) break;
    const date = new Date(sentAt).toISOString().slice(0, 10);
    const season = SEASONS[new Date(sentAt).getUTCMonth()]!;
    const sale = n % 2 === 0;
    const discount = sale ? DISCOUNTS[(n / 2) % DISCOUNTS.length]! : 0;
    const id = `cmp-${date}-${sale ? 'sale' : 'new-in'}`;
    const utm = `utm_source=tailor&utm_medium=email&utm_campaign=${id}`;
    out.push({
      id,
      name: sale ? `${season} sale ${discount}%` : `${season} new arrivals`,
      subject: sale ? `${discount}% off everything: our ${season.toLowerCase()} sale starts now` : `New in: the ${season.toLowerCase()} edit`,
      kind: sale ? 'sale' : 'new_arrivals',
      sentAt,
      discount,
      coupon: sale ? `SAVE${discount}` : undefined,
      links: [
        { url: `${SHOP_URL}/${sale ? 'sale' : 'new-in'}?${utm}`, category: undefined },
        ...CATEGORIES.map((c) => ({ url: `${SHOP_URL}/c/${c.name}?${utm}`, category: c.name })),
      ],
    });
  }
  return out;
}
