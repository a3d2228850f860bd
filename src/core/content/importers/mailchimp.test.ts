import { describe, expect, it, vi } from 'vitest';
import { importMailchimp } from './mailchimp.ts';
import { createLiquid } from '../liquid-env.ts';

/**
 * Expected outputs are written by hand from Mailchimp's documented behaviour (URL next to each
 * case), not produced by the importer.
 */
const CONTEXT = {
  profile: { first_name: 'Ana', last_name: 'Lopez', email: 'ana@example.com', company: 'A&B <Co>', transactions: 12, mc_language: 'fr', plan: 'pro' },
  unsubscribe_url: 'https://t.example/u/abc',
  preferences_url: 'https://t.example/p/abc',
  view_in_browser_url: 'https://t.example/v/abc',
  campaign: { name: 'May', subject: 'Hello May' },
};

async function render(source: string, ctx: object = CONTEXT): Promise<string> {
  return createLiquid(true).parseAndRender(importMailchimp(source).liquid, ctx);
}

describe('importMailchimp: merge tags', () => {
  // https://mailchimp.com/developer/marketing/docs/merge-fields/ ("Dear *|FNAME|*")
  it('audience fields', async () => {
    expect(await render('Dear *|FNAME|* *|LNAME|* <*|EMAIL|*>')).toBe('Dear Ana Lopez <ana@example.com>');
  });
  // http://kb.mailchimp.com/tag/unsubscribe (footer code: <a href="*|UNSUB|*">Unsubscribe</a> *|EMAIL|* from this list.)
  it('footer system tags', async () => {
    expect(await render('<a href="*|UNSUB|*">Unsubscribe</a> *|EMAIL|* from this list. <a href="*|UPDATE_PROFILE|*">Prefs</a> <a href="*|ARCHIVE|*">Web</a> *|MC:SUBJECT|*'))
      .toBe('<a href="https://t.example/u/abc">Unsubscribe</a> ana@example.com from this list. <a href="https://t.example/p/abc">Prefs</a> <a href="https://t.example/v/abc">Web</a> Hello May');
  });
  // *|HTML:…|* inserts HTML as-is (kb.mailchimp.com footer: *|HTML:LIST_ADDRESS_HTML|*); plain tags print text.
  it('plain tags are escaped, HTML: tags are not', async () => {
    expect(await render('*|COMPANY|* / *|HTML:COMPANY|*')).toBe('A&amp;B &lt;Co&gt; / A&B <Co>');
  });
  // Cheat-sheet modifiers *|TITLE:|* / *|UPPER:|* / *|LOWER:|*
  it('format modifiers', async () => {
    expect(await render('*|TITLE:NAME|*|*|UPPER:FNAME|*|*|LOWER:FNAME|*', { profile: { name: 'ana MARÍA lopez', first_name: 'Ana' } })).toBe('Ana María Lopez|ANA|ana');
  });
  // Cheat sheet: *|CURRENT_YEAR|* and *|DATE:d/m/Y|* (PHP date format)
  // The clock is fixed (fake Date) at one instant, a second before New Year's midnight UTC: two real
  // `new Date()` calls, the test's and the renderer's, could straddle midnight or New Year. The
  // renderer formats in the local time zone, so the expected date is read from the same instant.
  it('dates', async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 11, 31, 23, 59, 59, 999), toFake: ['Date'] });
    try {
      const now = new Date();
      const dd = String(now.getDate()).padStart(2, '0');
      const mm = String(now.getMonth() + 1).padStart(2, '0');
      expect(await render('© *|CURRENT_YEAR|* *|DATE:d/m/Y|*')).toBe(`© ${now.getFullYear()} ${dd}/${mm}/${now.getFullYear()}`);
      if (now.getTimezoneOffset() === 0) expect(await render('*|DATE:d/m/Y|*')).toBe('31/12/2026');
    } finally {
      vi.useRealTimers();
    }
  });
  it('custom fields map to profile traits and are reported as an assumption', () => {
    const r = importMailchimp('Tier: *|LOYALTY_TIER|*');
    expect(r.liquid).toBe('Tier: {{ profile.loyalty_tier }}');
    expect(r.issues).toMatchObject([{ line: 1, column: 7, construct: '*|LOYALTY_TIER|*' }]);
  });
  it('tags with no counterpart stay verbatim and are reported', async () => {
    const source = 'x\n*|LIST:COMPANY|* *|FNAME|Friend|*\n  *|MC:TOC|*';
    const r = importMailchimp(source);
    expect(r.issues.map((i) => [i.line, i.column, i.construct])).toEqual([[2, 1, '*|LIST:COMPANY|*'], [2, 18, '*|FNAME|Friend|*'], [3, 3, '*|MC:TOC|*']]);
    expect(await render(source)).toBe(source);
  });
});

describe('importMailchimp: conditional blocks', () => {
  // https://mandrill.zendesk.com/hc/en-us/articles/360039278713-About-Dynamic-and-Conditional-Merge-Tags: "content to display if a value for MERGE is provided"
  it('IF:FIELD is true when a value is provided', async () => {
    const src = '*|IF:FNAME|*Hi *|FNAME|**|ELSE:|*Hi there*|END:IF|*';
    expect(await render(src)).toBe('Hi Ana');
    expect(await render(src, { profile: { first_name: '' } })).toBe('Hi there');
    expect(await render(src, { profile: {} })).toBe('Hi there');
  });
  // https://mandrill.zendesk.com/hc/en-us/articles/360039278713-About-Dynamic-and-Conditional-Merge-Tags: "When using a condition like *|IF:MERGE=x|*, and no value for MERGE is provided, the condition will evaluate as false."
  it('keeps the whitespace inside a conditional, as Mailchimp prints the block as written', async () => {
    // Mailchimp replaces only the tags; Liquid's blank-block rule would drop a whitespace-only body.
    expect(await render('a*|IF:FNAME|*\n  \n*|ELSE:|* *|END:IF|*b')).toBe('a\n  \nb');
    expect(await render('a*|IF:FNAME|*\n*|ELSE:|* \t*|END:IF|*b', { profile: {} })).toBe('a \tb');
  });
  it('IF:FIELD=x is false when no value is provided', async () => {
    expect(await render('*|IF:PLAN=pro|*P*|ELSE:|*N*|END:IF|*', { profile: {} })).toBe('N');
  });
  // https://mandrill.zendesk.com/hc/en-us/articles/360039278713-About-Dynamic-and-Conditional-Merge-Tags ELSEIF example: only the first true branch renders
  it('ELSEIF chains', async () => {
    const src = '*|IF:PLAN=x|*<p>x</p>*|ELSEIF:PLAN=y|*<p>y</p>*|ELSEIF:PLAN=pro|*<p>z</p>*|ELSE:|*<p>other</p>*|END:IF|*';
    expect(await render(src)).toBe('<p>z</p>');
    expect(await render(src, { profile: { plan: 'y' } })).toBe('<p>y</p>');
    expect(await render(src, { profile: { plan: 'q' } })).toBe('<p>other</p>');
  });
  // https://mandrill.zendesk.com/hc/en-us/articles/360039278713-About-Dynamic-and-Conditional-Merge-Tags nested conditions: "content to display if both conditions are true"
  it('nesting', async () => {
    const src = '*|IF:MC_LANGUAGE=fr|**|IF:PLAN=pro|*both*|END:IF|**|END:IF|*';
    expect(await render(src)).toBe('both');
    expect(await render(src, { profile: { mc_language: 'fr', plan: 'free' } })).toBe('');
  });
  // https://mandrill.zendesk.com/hc/en-us/articles/360039278713-About-Dynamic-and-Conditional-Merge-Tags negative conditions: IF:MERGE!=x and IFNOT:MERGE
  it('!= and IFNOT', async () => {
    expect(await render('*|IF:PLAN!=free|*paid*|ELSE:|*free*|END:IF|*')).toBe('paid');
    expect(await render('*|IFNOT:COMPANY|*none*|ELSE:|*has*|END:IF|*')).toBe('has');
    expect(await render('*|IFNOT:COMPANY|*none*|ELSE:|*has*|END:IF|*', { profile: {} })).toBe('none');
  });
  // https://mailchimp.com/help/use-conditional-merge-tag-blocks/ : "Conditional merge tags are case sensitive"
  it('comparisons are case-sensitive', async () => {
    expect(await render('*|IF:MC_LANGUAGE=FR|*yes*|ELSE:|*no*|END:IF|*')).toBe('no');
  });
  // Conditional blocks page operators (>, <, >=, <=), e.g. *|IF:TRANSACTIONS >= 20|* … *|ELSEIF:TRANSACTIONS >= 10|*
  it('numeric comparisons', async () => {
    const src = '*|IF:TRANSACTIONS >= 20|*Gold*|ELSEIF:TRANSACTIONS >= 10|*Silver*|ELSE:|*Standard*|END:IF|*';
    expect(await render(src)).toBe('Silver');
    expect(await render(src, { profile: { transactions: '9' } })).toBe('Standard');
    expect(await render(src, { profile: { transactions: 20 } })).toBe('Gold');
    expect(await render('*|IF:TRANSACTIONS<13|*a*|END:IF|**|IF:TRANSACTIONS>12|*b*|END:IF|**|IF:TRANSACTIONS<=12|*c*|END:IF|*')).toBe('ac');
  });
  it('unclosed and stray blocks throw validation_failed with line:column', () => {
    expect(() => importMailchimp('a\n  *|IF:FNAME|*x')).toThrow(/2:3/);
    expect(() => importMailchimp('*|END:IF|*')).toThrow(/1:1/);
    expect(() => importMailchimp('*|ELSE:|*')).toThrow(/validation_failed|without/);
  });
  it('never throws on odd input', () => {
    for (const s of ['*|', '|*', '*||*', '*|IF:|**|END:IF|*', '{{ x }} {% if %}', '*|DATE:Q|*']) expect(() => importMailchimp(s)).not.toThrow();
  });
  it('Liquid-looking text stays literal', async () => {
    expect(await render('{{ x }} {% if a %}*|FNAME|*{')).toBe('{{ x }} {% if a %}Ana{');
  });
});
