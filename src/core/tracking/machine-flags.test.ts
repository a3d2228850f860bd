import { describe, expect, it } from 'vitest';
import { cidrMatcher, parseIp } from './ip-ranges.ts';
import { classifyClick, classifyOpen, clearedByLaterHuman, DECOY_LINK_ID, type ClickHit, type OpenHit } from './machine-flags.ts';

const T0 = Date.UTC(2026, 11, 7, 9, 0, 0);
const MIN = 60_000;
// Agents as their makers document them.
const IPHONE_MAIL = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';
const GMAIL_PROXY = 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)';
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

const open = (o: Partial<OpenHit>): OpenHit => ({ at: T0 + 30 * MIN, userAgent: IPHONE_MAIL, ip: '203.0.113.7', method: 'GET', deliveredAt: T0, prior: [], ...o });
const click = (o: Partial<ClickHit>): ClickHit => ({ ...open({ userAgent: CHROME }), linkId: '0', linkCount: 3, ...o });

describe('classifyOpen', () => {
  it('a person reading in Apple Mail with MPP off, half an hour after delivery, is human', () => {
    expect(classifyOpen(open({}))).toEqual({ machine: false, reasons: [] });
  });

  it('MPP: the bare Mozilla/5.0 agent from Apple 17.0.0.0/8 names both signals', () => {
    expect(classifyOpen(open({ userAgent: 'Mozilla/5.0', ip: '17.58.101.4', at: T0 + 2000 }))).toEqual({
      machine: true, reasons: ['apple_mpp_agent', 'apple_network', 'soon_after_delivery'],
    });
  });

  it('Apple networks include Private Relay egress over IPv6 and IPv4-mapped addresses', () => {
    expect(classifyOpen(open({ ip: '2a02:26f7:c9c0:4000::5' })).reasons).toEqual(['apple_network']);
    expect(classifyOpen(open({ ip: '::ffff:17.0.0.1' })).reasons).toEqual(['apple_network']);
    expect(classifyOpen(open({ ip: '18.0.0.1' })).machine).toBe(false);
  });

  it("Gmail's image proxy is a person opening, even a second after delivery", () => {
    expect(classifyOpen(open({ userAgent: GMAIL_PROXY, ip: '66.249.84.10', at: T0 + 1000 }))).toEqual({ machine: false, reasons: [] });
  });

  it('HEAD, a scanner agent, a gateway network and no agent each flag an open', () => {
    expect(classifyOpen(open({ method: 'HEAD' })).reasons).toEqual(['head_request']);
    expect(classifyOpen(open({ userAgent: 'Mozilla/5.0 (compatible; Barracuda Sentinel)' })).reasons).toEqual(['scanner_agent']);
    expect(classifyOpen(open({ ip: '205.139.110.30' })).reasons).toEqual(['scanner_network']);
    expect(classifyOpen(open({ userAgent: null })).reasons).toEqual(['no_agent']);
  });

  it('the timing edge: 4.999 s after delivery is soon, 5 s is not; no delivery time, no timing signal', () => {
    expect(classifyOpen(open({ at: T0 + 4999 })).reasons).toEqual(['soon_after_delivery']);
    expect(classifyOpen(open({ at: T0 + 5000 })).machine).toBe(false);
    expect(classifyOpen(open({ at: T0 + 10, deliveredAt: null })).machine).toBe(false);
  });
});

describe('classifyClick', () => {
  it('a person clicking one link in Chrome twenty minutes after delivery is human', () => {
    expect(classifyClick(click({}))).toEqual({ machine: false, reasons: [] });
  });

  it('the decoy link is always a bot, and a click just after a decoy click is the same pass', () => {
    expect(classifyClick(click({ linkId: DECOY_LINK_ID })).reasons).toEqual(['decoy_link']);
    const at = T0 + 30 * MIN;
    expect(classifyClick(click({ at, prior: [{ at: at - 3000, kind: 'click', linkId: DECOY_LINK_ID, machine: true }] })).reasons).toEqual(['near_decoy']);
    expect(classifyClick(click({ at, prior: [{ at: at - 60_000, kind: 'click', linkId: DECOY_LINK_ID, machine: true }] })).machine).toBe(false);
  });

  it('every link clicked within one second is a burst; two of three links, or the same span over 1.2 s, is not', () => {
    const at = T0 + 30 * MIN;
    const c = (linkId: string, dt: number) => ({ at: at - dt, kind: 'click' as const, linkId, machine: false });
    expect(classifyClick(click({ at, linkId: '2', prior: [c('0', 900), c('1', 400)] })).reasons).toEqual(['link_burst']);
    expect(classifyClick(click({ at, linkId: '1', prior: [c('0', 400)] })).machine).toBe(false);
    expect(classifyClick(click({ at, linkId: '2', prior: [c('0', 1200), c('1', 400)] })).machine).toBe(false);
    // One link in the message: clicking it is what a person does.
    expect(classifyClick(click({ at, linkCount: 1 })).machine).toBe(false);
  });

  it('scanner agents, automation and the filtering networks of Microsoft and the gateways flag clicks', () => {
    expect(classifyClick(click({ userAgent: 'python-requests/2.31.0' })).reasons).toEqual(['automation_agent']);
    expect(classifyClick(click({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/119.0.0.0 Safari/537.36' })).reasons).toEqual(['automation_agent']);
    expect(classifyClick(click({ ip: '40.107.22.11' })).reasons).toEqual(['scanner_network']);
    expect(classifyClick(click({ ip: '2a01:111:f400:7e1b::1' })).reasons).toEqual(['scanner_network']);
    expect(classifyClick(click({ userAgent: 'Mozilla/5.0' })).reasons).toEqual(['bare_agent']);
  });

  it('within 10 s of delivery (or before it was acknowledged) is soon; every reason that fires is listed', () => {
    expect(classifyClick(click({ at: T0 + 9_999 })).reasons).toEqual(['soon_after_delivery']);
    expect(classifyClick(click({ at: T0 - 500 })).reasons).toEqual(['soon_after_delivery']);
    expect(classifyClick(click({ at: T0 + 10_000 })).machine).toBe(false);
    expect(classifyClick(click({ at: T0 + 800, method: 'HEAD', userAgent: 'curl/8.4.0', ip: '148.163.140.2' })).reasons)
      .toEqual(['automation_agent', 'scanner_network', 'head_request', 'soon_after_delivery']);
  });

  it('Apple networks do not flag a click: Safari behind Private Relay is a person', () => {
    expect(classifyClick(click({ ip: '172.225.10.4', userAgent: IPHONE_MAIL })).machine).toBe(false);
  });
});

describe('clearedByLaterHuman', () => {
  it('clears an open flagged only for timing, never one with an agent or network signal', () => {
    expect(clearedByLaterHuman(['soon_after_delivery'])).toBe(true);
    expect(clearedByLaterHuman(['apple_mpp_agent', 'soon_after_delivery'])).toBe(false);
    expect(clearedByLaterHuman([])).toBe(false);
  });
});

describe('ip ranges', () => {
  it('parses the forms an address arrives in and refuses the rest', () => {
    expect(parseIp('::ffff:10.0.0.1')).toEqual({ v: 4, n: 0x0a000001n });
    expect(parseIp('[2001:db8::1]')).toEqual({ v: 6, n: (0x20010db8n << 96n) | 1n });
    expect(parseIp('1:2:3:4:5:6:7:8')?.v).toBe(6);
    for (const bad of ['256.1.1.1', '1.2.3', '1::2::3', '1:2:3:4:5:6:7:8:9', 'g::1', 'example.com', '']) expect(parseIp(bad), bad).toBeNull();
  });

  it('matches a prefix at its edges', () => {
    const match = cidrMatcher(['17.0.0.0/8', '2a02:26f7::/32']);
    const m = (ip: string | null) => match(ip === null ? null : parseIp(ip));
    expect([m('16.255.255.255'), m('17.0.0.0'), m('17.255.255.255'), m('18.0.0.0')]).toEqual([false, true, true, false]);
    expect([m('2a02:26f6:ffff::1'), m('2a02:26f7::'), m('2a02:26f7:ffff:ffff:ffff:ffff:ffff:ffff'), m('2a02:26f8::')]).toEqual([false, true, true, false]);
    expect(m(null)).toBe(false);
  });
});
