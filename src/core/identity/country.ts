import type { Normalized } from './email.ts';

// ISO 3166-1 alpha-2 officially assigned codes (249).
const CODES = (
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
  'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
  'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
  'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT ' +
  'MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
  'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG ' +
  'UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
).split(' ');
const CODE_SET = new Set(CODES);

// Common names and aliases people type, built from the runtime's CLDR region names plus a few usual aliases.
const BY_NAME = new Map<string, string>();
const display = new Intl.DisplayNames(['en'], { type: 'region' });
for (const code of CODES) BY_NAME.set(key(display.of(code) ?? code), code);
for (const [alias, code] of Object.entries({
  'usa': 'US', 'united states of america': 'US', 'america': 'US', 'uk': 'GB', 'great britain': 'GB', 'england': 'GB',
  'scotland': 'GB', 'wales': 'GB', 'northern ireland': 'GB', 'britain': 'GB', 'eire': 'IE', 'holland': 'NL',
  'the netherlands': 'NL', 'deutschland': 'DE', 'south korea': 'KR', 'north korea': 'KP', 'russia': 'RU',
  'czech republic': 'CZ', 'ivory coast': 'CI', 'vietnam': 'VN', 'uae': 'AE', 'rsa': 'ZA', 'espana': 'ES', 'españa': 'ES',
  'brasil': 'BR', 'schweiz': 'CH', 'suisse': 'CH', 'österreich': 'AT', 'oesterreich': 'AT', 'italia': 'IT',
  'channel islands': 'JE', 'european community': '', 'eire ireland': 'IE',
})) if (code) BY_NAME.set(key(alias), code);

function key(s: string): string {
  return s.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z ]/g, ' ').replace(/\s+/g, ' ').trim();
}

/** Country to ISO 3166-1 alpha-2: accepts the code itself (any case), alpha-2 "UK", or an English name. */
export function normalizeCountry(input: unknown): Normalized<string> {
  if (typeof input !== 'string') return { ok: false, reason: 'country must be a string' };
  const s = input.trim();
  if (!s) return { ok: false, reason: 'country is empty' };
  const upper = s.toUpperCase();
  if (CODE_SET.has(upper)) return { ok: true, value: upper };
  if (upper === 'UK') return { ok: true, value: 'GB' };
  const byName = BY_NAME.get(key(s)) ?? BY_NAME.get(key(s.replace(/^the /i, '')));
  if (byName) return { ok: true, value: byName };
  return { ok: false, reason: 'country is not an ISO 3166-1 code or a known country name' };
}
