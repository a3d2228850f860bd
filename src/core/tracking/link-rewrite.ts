import { decodeHTML } from 'entities';

/**
 * Rewrites a rendered message for tracking at send time: each http(s) link of the HTML part goes
 * through the click redirect, the plain-text part's URLs too, an open pixel closes the body, and one
 * invisible decoy link (which no person can see or click) lets the classifier catch link scanners.
 *
 * Left alone: links that are not http(s) (mailto:, tel:, anchors), the recipient pages (unsubscribe,
 * preferences, view in browser: their tokens are the link already), and any `<a>` carrying
 * `data-tailor-track="off"` (the attribute is removed). A template or campaign opts out as a whole
 * through the options the caller passes.
 *
 * Tags are found with a scan of `<a …>` start tags (quoted `>` inside attributes included) rather
 * than a full HTML parse: safe-urls.ts measured a parse at ~250 µs for a 19 KB message against
 * ~10 µs for a scan, and the sender does this for every message. The HTML it reads is the
 * renderer's output, whose URL attributes safe-urls.ts has already checked.
 */
export interface TrackingLinks {
  /**
   * The click-redirect URL for a link: its id (`0`, `1`, … in document order, `t0`… for text-only
   * URLs, `decoy`), its destination, and how many tracked links the message has (the decoy
   * excluded), which the classifier needs to see "every link clicked at once".
   */
  click(linkId: string, url: string, linkCount: number): string;
  /** The open pixel's URL. */
  open(): string;
}

export interface RewriteOptions {
  clicks: boolean;
  opens: boolean;
  /** UTM parameters appended to each tracked destination that does not set them already. */
  utm?: Readonly<Record<string, string>> | undefined;
  /** URL prefixes never rewritten (the recipient pages, the redirect itself). */
  skipPrefixes: readonly string[];
  /**
   * Add the decoy link. It leads where the message's first tracked link does (a real page of the
   * shop), so a scanner that follows it sees nothing odd; a message without links gets none.
   */
  decoy: boolean;
}

export interface RewrittenMessage { html: string; text: string; links: { id: string; url: string }[] }

const UTM_ORDER = ['source', 'medium', 'campaign', 'term', 'content'];
const A_TAG = /<a\b(?:[^>"']|"[^"]*"|'[^']*')*>/gi;
const HREF = /(\shref\s*=\s*)("([^"]*)"|'([^']*)'|([^\s"'>]+))/i;
const OPT_OUT = /\sdata-tailor-track\s*=\s*("off"|'off'|off\b)/i;
const TEXT_URL = /\bhttps?:\/\/[^\s<>"')\]]+[^\s<>"')\].,;:!?]/g;

export function rewriteForTracking(html: string, text: string, links: TrackingLinks, o: RewriteOptions): RewrittenMessage {
  // A link opted out in the HTML stays untracked where the text part repeats it.
  const optedOut = new Set((html.match(A_TAG) ?? []).filter((tag) => OPT_OUT.test(tag)).map(hrefOf));
  const trackable = (url: string) => /^https?:\/\//i.test(url) && !o.skipPrefixes.some((p) => url.startsWith(p)) && !optedOut.has(url);
  // First the links (so every token can carry their number), then the rewrite.
  const found: { id: string; url: string }[] = [];
  const idOf = new Map<string, string>();
  const add = (dest: string, id: string) => {
    if (!idOf.has(dest)) {
      idOf.set(dest, id);
      found.push({ id, url: dest });
    }
  };
  if (o.clicks) {
    for (const tag of html.match(A_TAG) ?? []) {
      const dest = destination(tag, trackable, o.utm);
      if (dest !== null) add(dest, String(found.length));
    }
    let n = 0;
    for (const url of text.match(TEXT_URL) ?? []) {
      const dest = trackable(url) ? withUtm(url, o.utm) : null;
      if (dest !== null && !idOf.has(dest)) add(dest, `t${n++}`);
    }
  }
  const count = found.length;
  const redirect = (dest: string) => links.click(idOf.get(dest)!, dest, count);

  let out = html;
  if (o.clicks) {
    out = out.replace(A_TAG, (tag) => {
      if (OPT_OUT.test(tag)) return tag.replace(OPT_OUT, '');
      const dest = destination(tag, trackable, o.utm);
      if (dest === null) return tag;
      const m = HREF.exec(tag)!;
      return tag.slice(0, m.index) + `${m[1]}"${attr(redirect(dest))}"` + tag.slice(m.index + m[0].length);
    });
    if (o.decoy && found[0]) out = insertAfterBodyStart(out, decoyLink(links.click('decoy', found[0].url, count)));
  }
  if (o.opens) out = insertBeforeBodyEnd(out, `<img src="${attr(links.open())}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0;margin:0;padding:0" />`);
  const plain = o.clicks ? text.replace(TEXT_URL, (url) => (trackable(url) ? redirect(withUtm(url, o.utm)) : url)) : text;
  return { html: out, text: plain, links: found };
}

/** The tracked destination of an `<a>` start tag, or null when it is not to be tracked. */
function destination(tag: string, trackable: (url: string) => boolean, utm: RewriteOptions['utm']): string | null {
  if (OPT_OUT.test(tag)) return null;
  const url = hrefOf(tag);
  return url && trackable(url) ? withUtm(url, utm) : null;
}

/** The URL an `<a>` start tag links to, entities decoded ('' without one). */
function hrefOf(tag: string): string {
  const m = HREF.exec(tag);
  return m ? decodeHTML((m[3] ?? m[4] ?? m[5] ?? '').trim()) : '';
}

/** An attribute value in double quotes. */
const attr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** `url` with each UTM parameter it does not carry yet. An unparseable URL is left as it is. */
export function withUtm(url: string, utm: Readonly<Record<string, string>> | undefined): string {
  if (!utm || Object.keys(utm).length === 0) return url;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  let changed = false;
  // In Google's documented order, whatever order the spec's keys came back in (PostgreSQL's jsonb sorts them).
  const rank = (k: string) => { const i = UTM_ORDER.indexOf(k.replace(/^utm_/, '')); return i < 0 ? UTM_ORDER.length : i; };
  for (const [k, v] of Object.entries(utm).sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : 1))) {
    const key = k.startsWith('utm_') ? k : `utm_${k}`;
    if (!u.searchParams.has(key) && v !== '') {
      u.searchParams.append(key, v);
      changed = true;
    }
  }
  return changed ? u.toString() : url;
}

/** Hidden from people in every client we know of (display:none, and mso-hide for Outlook), empty of text, out of the tab order. */
const decoyLink = (href: string): string =>
  `<a href="${attr(href)}" style="display:none !important;mso-hide:all;font-size:0;line-height:0;max-height:0;overflow:hidden" aria-hidden="true" tabindex="-1"></a>`;

function insertAfterBodyStart(html: string, s: string): string {
  const m = /<body\b(?:[^>"']|"[^"]*"|'[^']*')*>/i.exec(html);
  return m ? html.slice(0, m.index + m[0].length) + s + html.slice(m.index + m[0].length) : s + html;
}

function insertBeforeBodyEnd(html: string, s: string): string {
  const i = html.search(/<\/body\s*>/i);
  return i < 0 ? html + s : html.slice(0, i) + s + html.slice(i);
}
