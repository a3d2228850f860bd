/**
 * How many positional arguments each filter of Tailor's Liquid environment takes, for the runtime
 * arity check (shopify-filters.ts: a wrong count is an error of the render, as Ruby Liquid's
 * `Liquid::ArgumentError` "wrong number of arguments") and the strict template check at save time.
 *
 * Keyword arguments (`default: 'x', allow_false: true`) are not counted: Ruby passes them apart
 * from the positional ones. `keywords` lists the ones a filter accepts.
 *
 * Sources: Shopify's reference implementation (lib/liquid/standardfilters.rb, Liquid 5.5: the
 * Ruby method's parameters, optional ones with defaults); liquidjs' documentation for the
 * filters only liquidjs has (Jekyll's and its own); Tailor's filters.ts and the importers'
 * compat-filters.ts for Tailor's.
 */
export interface FilterSignature {
  min: number;
  max: number;
  keywords?: readonly string[];
  /** A filter written for JavaScript numbers (Tailor's, the importers'): an integral float (value-number.ts) reaches it as its number. */
  plainNumbers?: true;
}

const sig = (min: number, max = min, keywords?: readonly string[]): FilterSignature => (keywords ? { min, max, keywords } : { min, max });
const host = (min: number, max = min): FilterSignature => ({ min, max, plainNumbers: true });

const SIGNATURES: Record<string, FilterSignature> = {
  // Shopify Liquid's standard filters.
  abs: sig(0), append: sig(1), at_least: sig(1), at_most: sig(1),
  base64_decode: sig(0), base64_encode: sig(0), base64_url_safe_decode: sig(0), base64_url_safe_encode: sig(0),
  capitalize: sig(0), ceil: sig(0), compact: sig(0, 1), concat: sig(1), date: sig(1),
  default: sig(0, 1, ['allow_false']), divided_by: sig(1), downcase: sig(0),
  escape: sig(0), h: sig(0), escape_once: sig(0),
  find: sig(1, 2), find_index: sig(1, 2), first: sig(0), floor: sig(0), has: sig(1, 2),
  join: sig(0, 1), last: sig(0), lstrip: sig(0), map: sig(1), minus: sig(1), modulo: sig(1),
  newline_to_br: sig(0), plus: sig(1), prepend: sig(1), reject: sig(1, 2),
  remove: sig(1), remove_first: sig(1), remove_last: sig(1),
  replace: sig(1, 2), replace_first: sig(1, 2), replace_last: sig(2),
  reverse: sig(0), round: sig(0, 1), rstrip: sig(0), size: sig(0), slice: sig(1, 2),
  sort: sig(0, 1), sort_natural: sig(0, 1), split: sig(1), strip: sig(0), strip_html: sig(0),
  strip_newlines: sig(0), sum: sig(0, 1), times: sig(1), truncate: sig(0, 2), truncatewords: sig(0, 2),
  uniq: sig(0, 1), upcase: sig(0), url_decode: sig(0), url_encode: sig(0), where: sig(1, 2),
  // liquidjs' own and Jekyll's (liquidjs documentation).
  array_to_sentence_string: sig(0, 1), cgi_escape: sig(0),
  date_to_long_string: sig(0, 2), date_to_rfc822: sig(0), date_to_string: sig(0, 2), date_to_xmlschema: sig(0),
  find_exp: sig(2), find_index_exp: sig(2), group_by: sig(1), group_by_exp: sig(2), has_exp: sig(2),
  hmac_sha256: sig(1), inspect: sig(0, 1), json: sig(0, 1), jsonify: sig(0, 1), normalize_whitespace: sig(0),
  number_of_words: sig(0, 1), pop: sig(0), push: sig(1), raw: sig(0), reject_exp: sig(2), sample: sig(0, 1),
  sha256: sig(0), shift: sig(0), slugify: sig(0, 2), squish: sig(0), to_integer: sig(0), unshift: sig(1),
  uri_escape: sig(0), where_exp: sig(2), xml_escape: sig(0),
  // Tailor's (filters.ts).
  money: host(0, 2), date_local: host(0, 2), safe_url: host(0), first_word: host(0), image_size: host(0, 2),
  // The importers' (importers/compat-filters.ts).
  hb_escape: host(0), hb_string: host(0), hb_truthy: host(0, 1), hb_with: host(0), hb_entries: host(0),
  hb_path: host(0, Infinity), mc_present: host(0), mc_compare: host(2), mc_title: host(0),
  mu_section: host(0), mu_get: host(1, Infinity),
};

export function filterSignature(name: string): FilterSignature | undefined {
  return Object.hasOwn(SIGNATURES, name) ? SIGNATURES[name] : undefined;
}
