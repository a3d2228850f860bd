import type { Rng } from '../core/prng.ts';

/**
 * Where demo customers live: country (ISO 3166-1 alpha-2), sales region, IANA time zones with cities,
 * a mobile-number pattern and the name pool to draw from. The mix is that of a European fashion
 * e-shop that also ships to the UK, the US and Australia.
 *
 * Phone patterns: `#` is a random digit, `{a,b}` picks one alternative. Each pattern was checked
 * against libphonenumber's full metadata (what the ingest normaliser uses): every number it can
 * produce is a valid mobile number for its country. Fictional ranges (UK 07700 900xxx, FR
 * 06 39 98…) are deliberately not used: libphonenumber rejects them. US numbers use 555-01xx,
 * which is both fictional and accepted.
 */
export type NamePool = 'en' | 'de' | 'fr' | 'nl' | 'es' | 'it' | 'nordic' | 'pl';

export interface Place {
  country: string;
  region: 'EU' | 'UK' | 'US' | 'APAC';
  weight: number;
  names: NamePool;
  phone: string[];
  zones: { tz: string; cities: string[]; weight: number }[];
}

export const PLACES: readonly Place[] = [
  { country: 'GB', region: 'UK', weight: 25, names: 'en', phone: ['+44 7{4,5,8}## ######', '+447{4,5,8}########'],
    zones: [{ tz: 'Europe/London', cities: ['London', 'Manchester', 'Bristol', 'Leeds', 'Edinburgh', 'Glasgow', 'Brighton'], weight: 1 }] },
  { country: 'DE', region: 'EU', weight: 12, names: 'de', phone: ['+49 15{1,2,7,9} ########', '+49 17{0,1,2,5,6} #######', '+49 16{0,2,3} #######'],
    zones: [{ tz: 'Europe/Berlin', cities: ['Berlin', 'Hamburg', 'München', 'Köln', 'Frankfurt am Main', 'Leipzig'], weight: 1 }] },
  { country: 'FR', region: 'EU', weight: 9, names: 'fr', phone: ['+33 6 6{0,1,2,4,5,6,7,8} ## ## ##', '+33 7 {3,4,5,6,7,8,9}# ## ## ##'],
    zones: [{ tz: 'Europe/Paris', cities: ['Paris', 'Lyon', 'Marseille', 'Bordeaux', 'Lille', 'Nantes'], weight: 1 }] },
  { country: 'NL', region: 'EU', weight: 5, names: 'nl', phone: ['+31 6 {1,2,3,4,5,6,8}#######'],
    zones: [{ tz: 'Europe/Amsterdam', cities: ['Amsterdam', 'Rotterdam', 'Utrecht', 'Den Haag', 'Eindhoven'], weight: 1 }] },
  { country: 'ES', region: 'EU', weight: 5, names: 'es', phone: ['+34 6## ### ###'],
    zones: [{ tz: 'Europe/Madrid', cities: ['Madrid', 'Barcelona', 'Valencia', 'Sevilla', 'Bilbao'], weight: 1 }] },
  { country: 'IT', region: 'EU', weight: 5, names: 'it', phone: ['+39 3{2,3,4,8,9}# ### ####'],
    zones: [{ tz: 'Europe/Rome', cities: ['Milano', 'Roma', 'Torino', 'Bologna', 'Firenze', 'Napoli'], weight: 1 }] },
  { country: 'IE', region: 'EU', weight: 2, names: 'en', phone: ['+353 8{5,6,7,9} ### ####'],
    zones: [{ tz: 'Europe/Dublin', cities: ['Dublin', 'Cork', 'Galway', 'Limerick'], weight: 1 }] },
  { country: 'BE', region: 'EU', weight: 2, names: 'nl', phone: ['+32 4{7,8,9}# ## ## ##'],
    zones: [{ tz: 'Europe/Brussels', cities: ['Antwerpen', 'Gent', 'Brussel', 'Leuven'], weight: 1 }] },
  { country: 'AT', region: 'EU', weight: 1.5, names: 'de', phone: ['+43 6{50,60,64,76,99} #######'],
    zones: [{ tz: 'Europe/Vienna', cities: ['Wien', 'Graz', 'Linz', 'Salzburg'], weight: 1 }] },
  { country: 'SE', region: 'EU', weight: 2, names: 'nordic', phone: ['+46 7{0,2,3,6} ### ## ##'],
    zones: [{ tz: 'Europe/Stockholm', cities: ['Stockholm', 'Göteborg', 'Malmö', 'Uppsala'], weight: 1 }] },
  { country: 'DK', region: 'EU', weight: 1, names: 'nordic', phone: ['+45 2{6,7,8} ## ## ##'],
    zones: [{ tz: 'Europe/Copenhagen', cities: ['København', 'Aarhus', 'Odense'], weight: 1 }] },
  { country: 'PL', region: 'EU', weight: 1.5, names: 'pl', phone: ['+48 {50,51,53,57,60,66,69,72,73,78,79,88}# ### ###'],
    zones: [{ tz: 'Europe/Warsaw', cities: ['Warszawa', 'Kraków', 'Wrocław', 'Gdańsk', 'Poznań'], weight: 1 }] },
  { country: 'US', region: 'US', weight: 21, names: 'en', phone: ['+1 {212,646,917} 555 01##', '+1 {312,773} 555 01##', '+1 {303,720} 555 01##', '+1 {213,310,415,206} 555 01##'],
    zones: [
      { tz: 'America/New_York', cities: ['New York', 'Boston', 'Philadelphia', 'Miami', 'Atlanta'], weight: 47 },
      { tz: 'America/Chicago', cities: ['Chicago', 'Austin', 'Dallas', 'Minneapolis'], weight: 29 },
      { tz: 'America/Denver', cities: ['Denver', 'Salt Lake City'], weight: 7 },
      { tz: 'America/Los_Angeles', cities: ['Los Angeles', 'San Francisco', 'Seattle', 'Portland'], weight: 17 },
    ] },
  { country: 'AU', region: 'APAC', weight: 7, names: 'en', phone: ['+61 4{0,1,2,3,6}# ### ###'],
    zones: [
      { tz: 'Australia/Sydney', cities: ['Sydney'], weight: 40 },
      { tz: 'Australia/Melbourne', cities: ['Melbourne'], weight: 35 },
      { tz: 'Australia/Brisbane', cities: ['Brisbane'], weight: 15 },
      { tz: 'Australia/Perth', cities: ['Perth'], weight: 10 },
    ] },
];

const WEIGHTS = PLACES.map((p) => p.weight);

export function pickPlace(rng: Rng): { place: Place; tz: string; city: string } {
  const place = PLACES[rng.weighted(WEIGHTS)]!;
  const zone = place.zones[rng.weighted(place.zones.map((z) => z.weight))]!;
  return { place, tz: zone.tz, city: rng.pick(zone.cities) };
}

/** Fills a phone pattern (see the file comment). */
export function fillPattern(rng: Rng, pattern: string): string {
  return pattern
    .replace(/\{([^}]*)\}/g, (_, alts: string) => rng.pick(alts.split(',')))
    .replace(/#/g, () => String(rng.int(0, 9)));
}
