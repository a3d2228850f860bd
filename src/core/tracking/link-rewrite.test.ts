import { describe, expect, it } from 'vitest';
import { rewriteForTracking, withUtm, type RewriteOptions } from './link-rewrite.ts';

const links = {
  click: (id: string, url: string, n: number) => `https://t.example/t/c/${id}-${n}?to=${encodeURIComponent(url)}`,
  open: () => 'https://t.example/t/o/OPEN',
};
const on: RewriteOptions = { clicks: true, opens: true, decoy: true, skipPrefixes: ['https://t.example/u/', 'https://t.example/v/'] };

describe('rewriteForTracking', () => {
  const html = `<html><body class="x"><a href="https://shop.example/a?x=1&amp;y=2">A</a>
<a class='b' href='https://shop.example/b'>B</a><a href="mailto:help@shop.example">mail</a><a href="#top">top</a>
<a href="https://t.example/u/TOKEN">unsubscribe</a><a data-tailor-track="off" href="https://shop.example/private">p</a>
<a title="a > b" href="https://shop.example/a?x=1&y=2">A again</a></body></html>`;
  const text = 'Shop: https://shop.example/b. Also https://shop.example/text-only and https://t.example/v/VIEW, https://shop.example/private';

  it('sends every http(s) link through the redirect, the same URL with the same id', () => {
    const r = rewriteForTracking(html, text, links, on);
    // Entities in the href are decoded before signing: the destination is the URL a browser would follow.
    expect(r.links).toEqual([
      { id: '0', url: 'https://shop.example/a?x=1&y=2' },
      { id: '1', url: 'https://shop.example/b' },
      { id: 't0', url: 'https://shop.example/text-only' },
    ]);
    expect(r.html).toContain('href="https://t.example/t/c/0-3?to=https%3A%2F%2Fshop.example%2Fa%3Fx%3D1%26y%3D2"');
    expect(r.html).toContain(`<a class='b' href="https://t.example/t/c/1-3?to=`);
    expect(r.html.match(/t\/c\/0-3/g)).toHaveLength(2);
  });

  it('leaves mailto, anchors, recipient pages and opted-out links alone, dropping the opt-out attribute', () => {
    const r = rewriteForTracking(html, text, links, on);
    expect(r.html).toContain('<a href="mailto:help@shop.example">');
    expect(r.html).toContain('<a href="#top">');
    expect(r.html).toContain('<a href="https://t.example/u/TOKEN">');
    expect(r.html).toContain('<a href="https://shop.example/private">');
    expect(r.html).not.toContain('data-tailor-track');
    expect(r.text).toContain('https://t.example/v/VIEW');
  });

  it('rewrites the text part, keeping the sentence punctuation outside the URL', () => {
    const r = rewriteForTracking(html, text, links, on);
    // The link opted out in the HTML stays as it is where the text part repeats it.
    expect(r.text).toBe(`Shop: ${links.click('1', 'https://shop.example/b', 3)}. Also ${links.click('t0', 'https://shop.example/text-only', 3)} and https://t.example/v/VIEW, https://shop.example/private`);
  });

  it('adds the pixel before </body> and one hidden decoy link right after <body>', () => {
    const r = rewriteForTracking(html, text, links, on);
    expect(r.html).toMatch(/<body class="x"><a href="https:\/\/t\.example\/t\/c\/decoy-3\?[^"]*" style="display:none !important;[^"]*" aria-hidden="true" tabindex="-1"><\/a>/);
    expect(r.html).toMatch(/<img src="https:\/\/t\.example\/t\/o\/OPEN" width="1" height="1" alt=""[^>]*\/><\/body><\/html>$/);
  });

  it('does nothing it is told not to', () => {
    const r = rewriteForTracking(html, text, links, { ...on, clicks: false, opens: false });
    expect(r).toEqual({ html, text, links: [] });
    const noDecoy = rewriteForTracking('<p>no links</p>', '', links, on);
    expect(noDecoy.html).toBe('<p>no links</p><img src="https://t.example/t/o/OPEN" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0;margin:0;padding:0" />');
  });

  it('appends UTM parameters a link does not set already', () => {
    expect(withUtm('https://shop.example/p?utm_source=partner', { source: 'tailor', medium: 'email' }))
      .toBe('https://shop.example/p?utm_source=partner&utm_medium=email');
    expect(withUtm('https://shop.example/', { utm_campaign: 'spring sale' })).toBe('https://shop.example/?utm_campaign=spring+sale');
    expect(withUtm('https://shop.example/', undefined)).toBe('https://shop.example/');
  });
});
