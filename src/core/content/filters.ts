import type { Liquid } from 'liquidjs';
import { safeUrl } from './safe-urls.ts';

/**
 * Filters a marketer needs beyond Liquid's standard set (which already has `default`, `date`,
 * `capitalize`, `truncate`, `url_encode`, …):
 * - `money`: `{{ 49.9 | money: "EUR", "de-DE" }}` → "49,90 €"; currency and locale default to the
 *   recipient's (`profile.currency`, `profile.locale`), then EUR and en.
 * - `date_local`: a date in the recipient's time zone (`profile.timezone`, else UTC), with an
 *   Intl style (`short`, `medium`, `long`, `full`; default `medium`) or a strftime-like pattern
 *   from Liquid's own `date` filter applied after the shift.
 * - `first_word`: "Ana María" → "Ana", for greetings from a full name.
 * - `image_size`: appends w/h query parameters to an image URL (for resizing CDNs).
 * - `safe_url`: the URL if its scheme is http, https, mailto or tel (or it is relative), else `#`
 *   (safe-urls.ts); for URL attributes whose scheme comes from data.
 * Formatters are cached: building an Intl.NumberFormat costs more than a whole render.
 */
const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function numberFormat(currency: string, locale: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let f = numberFormats.get(key);
  if (!f) {
    try {
      f = new Intl.NumberFormat(locale, { style: 'currency', currency });
    } catch {
      f = new Intl.NumberFormat('en', { style: 'currency', currency: 'EUR' });
    }
    numberFormats.set(key, f);
  }
  return f;
}

function dateFormat(style: string, timeZone: string, locale: string): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${style}`;
  let f = dateFormats.get(key);
  if (!f) {
    const dateStyle = (['short', 'medium', 'long', 'full'].includes(style) ? style : 'medium') as Intl.DateTimeFormatOptions['dateStyle'];
    try {
      f = new Intl.DateTimeFormat(locale, { dateStyle, timeZone });
    } catch {
      f = new Intl.DateTimeFormat('en', { dateStyle, timeZone: 'UTC' });
    }
    dateFormats.set(key, f);
  }
  return f;
}

type Ctx = { context: { getSync(path: string[]): unknown } };
const fromProfile = (self: Ctx, key: string): string | undefined => {
  const v = self.context.getSync(['profile', key]);
  return typeof v === 'string' && v ? v : undefined;
};

const toDate = (v: unknown): Date | null => {
  const d = v instanceof Date ? v : typeof v === 'number' ? new Date(v) : typeof v === 'string' ? new Date(v) : null;
  return d && Number.isFinite(d.getTime()) ? d : null;
};

export function registerFilters(liquid: Liquid): void {
  liquid.registerFilter('money', function (this: Ctx, v: unknown, currency?: string, locale?: string) {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (!Number.isFinite(n)) return '';
    return numberFormat(currency ?? fromProfile(this, 'currency') ?? 'EUR', locale ?? fromProfile(this, 'locale') ?? 'en').format(n);
  });
  liquid.registerFilter('date_local', function (this: Ctx, v: unknown, style?: string, timeZone?: string) {
    const d = toDate(v);
    if (!d) return '';
    return dateFormat(style ?? 'medium', timeZone ?? fromProfile(this, 'timezone') ?? 'UTC', fromProfile(this, 'locale') ?? 'en').format(d);
  });
  liquid.registerFilter('safe_url', safeUrl);
  liquid.registerFilter('first_word', (v: unknown) => (typeof v === 'string' ? v.trim().split(/\s+/)[0] ?? '' : ''));
  liquid.registerFilter('image_size', (url: unknown, w?: number, h?: number) => {
    if (typeof url !== 'string' || !url) return '';
    const params = [w ? `w=${Math.round(w)}` : '', h ? `h=${Math.round(h)}` : ''].filter(Boolean).join('&');
    return params ? `${url}${url.includes('?') ? '&' : '?'}${params}` : url;
  });
}
