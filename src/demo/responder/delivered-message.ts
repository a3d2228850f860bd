import PostalMime from 'postal-mime';

/**
 * DEMO RESPONDER (simulated people; product code and models never read this folder).
 *
 * What a recipient's mail client sees of a delivered message: who it is for, the open pixel and the
 * links a person can click. Read from the raw message as the outbox stored it (or an SMTP sink got
 * it), never from Tailor's tables, so the responder goes through exactly what was sent. The hidden
 * decoy link (display:none, aria-hidden) is not something a person can click, so it is left out.
 */
export interface DeliveredMessage {
  to: string;
  /** The open pixel's path and query (`/t/o/…`), or null when the message has none. */
  pixel: string | null;
  /** Paths of the click-tracked links a person can see (`/t/c/…`), in document order, without repeats. */
  links: string[];
}

const IMG = /<img\b(?:[^>"']|"[^"]*"|'[^']*')*>/gi;
const A_TAG = /<a\b(?:[^>"']|"[^"]*"|'[^']*')*>/gi;
const SRC = /\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)')/i;
const HREF = /\shref\s*=\s*(?:"([^"]*)"|'([^']*)')/i;
const HIDDEN = /display\s*:\s*none|aria-hidden\s*=\s*["']?true/i;

export async function readDelivered(raw: Buffer | string): Promise<DeliveredMessage> {
  const m = await PostalMime.parse(raw);
  return { to: (m.to?.[0]?.address ?? '').toLowerCase(), ...trackingPaths(m.html ?? '') };
}

/** The pixel and the visible tracked links of an HTML body. */
export function trackingPaths(html: string): { pixel: string | null; links: string[] } {
  let pixel: string | null = null;
  for (const tag of html.match(IMG) ?? []) {
    const p = pathOf(attr(SRC, tag));
    if (p?.startsWith('/t/o/')) pixel = p;
  }
  const links: string[] = [];
  for (const tag of html.match(A_TAG) ?? []) {
    if (HIDDEN.test(tag)) continue;
    const p = pathOf(attr(HREF, tag));
    if (p?.startsWith('/t/c/') && !links.includes(p)) links.push(p);
  }
  return { pixel, links };
}

function attr(re: RegExp, tag: string): string | undefined {
  const m = re.exec(tag);
  return m ? (m[1] ?? m[2])?.replace(/&amp;/g, '&') : undefined;
}

function pathOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return null;
  }
}
