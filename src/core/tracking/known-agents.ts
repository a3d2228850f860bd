/**
 * User-agent and network patterns the machine-open and bot-click classifier (machine-flags.ts)
 * recognises. Each entry names the document its pattern comes from. They were written from those
 * documents as the authors know them (this machine has no internet): the network lists are a
 * representative subset, not the vendors' full, changing lists, and a deployment that needs more
 * should extend them from the vendors' current pages.
 */

export interface AgentPattern { name: string; re: RegExp; source: string }

/**
 * Apple Mail Privacy Protection. Its proxy fetches remote content when the message reaches the
 * device, whether or not anyone reads it, with the user agent reduced to the bare `Mozilla/5.0`
 * (Apple, "Mail Privacy Protection" support page and WWDC21 "Mail Privacy Protection"; Litmus,
 * "Apple Mail Privacy Protection: what email marketers need to know", 2021; Mailgun and SendGrid
 * help pages on MPP). Apple Mail with MPP off sends its full WebKit agent from the reader's own
 * network, and that is a person.
 */
export const APPLE_MPP_AGENT = /^Mozilla\/5\.0$/;

/**
 * Image proxies that fetch only when a person opens the message, so their fetch *is* the human
 * open: Gmail's (Google, "Images now showing", Gmail blog, Dec 2013; the agent ends
 * `(via ggpht.com GoogleImageProxy)`) and Yahoo's (Yahoo help SLN28749, "YahooMailProxy").
 * Being proxies, they fetch from the provider's network at the moment of the open, so a fetch a second
 * after delivery is a person who had the mailbox open; the classifier does not hold timing against
 * them. Outlook.com's proxy also fetches on view, with a plain browser agent; no signal here flags it
 * unless it is very fast. Mail clients (Outlook, Thunderbird, Apple Mail with MPP off) are not in this
 * list: they are people too, but a client-like agent is easy to copy, so timing still applies to them.
 */
export const READING_PROXY_AGENTS: readonly AgentPattern[] = [
  { name: 'google_image_proxy', re: /GoogleImageProxy|ggpht\.com/, source: 'Gmail blog, "Images now showing" (2013)' },
  { name: 'yahoo_mail_proxy', re: /YahooMailProxy/, source: 'Yahoo help SLN28749, "Yahoo Mail Proxy"' },
];

/**
 * Security gateways and URL scanners, by the tokens their agents carry (vendors' admin guides and
 * the reports in resend/resend-node#901, gophish#973, knadh/listmonk#1025). Many scanners send a
 * plain browser agent; those are caught by timing, the decoy link, bursts or network instead.
 */
export const SCANNER_AGENTS: readonly AgentPattern[] = [
  { name: 'microsoft_safe_links', re: /Safe ?Links|BingPreview/i, source: 'Microsoft Defender for Office 365, "Safe Links" docs; Bing, "BingPreview" crawler page' },
  { name: 'mimecast', re: /Mimecast/i, source: 'Mimecast, "Targeted Threat Protection - URL Protect" admin guide' },
  { name: 'proofpoint', re: /Proofpoint|URL ?Defense|ppops/i, source: 'Proofpoint, "URL Defense" admin guide' },
  { name: 'barracuda', re: /Barracuda/i, source: 'Barracuda Email Protection, "Link Protection" docs' },
  { name: 'cisco', re: /IronPort|Cisco[- ]?(?:ESA|Secure|Email)|\bCiscoUmbrella\b/i, source: 'Cisco Secure Email (IronPort), "URL filtering" guide' },
  { name: 'symantec', re: /Symantec|Broadcom|MessageLabs|Blue ?Coat/i, source: 'Broadcom/Symantec Email Security.cloud, "Click-time URL protection"' },
  { name: 'trend_micro', re: /Trend ?Micro|TMUFE/i, source: 'Trend Micro Email Security, "Time-of-Click Protection"' },
  { name: 'sophos', re: /Sophos/i, source: 'Sophos Email, "Time-of-Click URL protection"' },
  { name: 'fortinet', re: /Forti(?:Guard|Mail|net)/i, source: 'Fortinet FortiMail, "Click protection"' },
  { name: 'forcepoint', re: /Forcepoint|Websense/i, source: 'Forcepoint Email Security guide' },
  { name: 'trellix', re: /FireEye|Trellix/i, source: 'Trellix (FireEye) Email Security guide' },
  { name: 'zscaler', re: /Zscaler/i, source: 'Zscaler, sandbox and URL filtering docs' },
  { name: 'checkpoint', re: /Check ?Point|Avanan/i, source: 'Check Point Harmony Email (Avanan) docs' },
];

/**
 * Automation: headless browsers and HTTP libraries. A person's click arrives from a browser; these
 * agents are the defaults of tools (Chrome, "Headless Chrome" docs: `HeadlessChrome`; PhantomJS;
 * python-requests `python-requests/x.y`; curl `curl/x.y`; Go net/http `Go-http-client/1.1`; Java
 * `Java/1.8`; Apache HttpClient; okhttp; Wget; libwww-perl; axios; node-fetch; aiohttp; urllib),
 * as seen in the scanner traffic of gophish#973 and resend/resend-node#901.
 */
export const AUTOMATION_AGENTS: readonly AgentPattern[] = [
  { name: 'headless_browser', re: /HeadlessChrome|PhantomJS|Puppeteer|Playwright|Selenium|\bHeadless\b/i, source: 'Chrome for Developers, "Headless Chrome"' },
  { name: 'http_library', re: /^(?:python-requests|python-urllib|Python\/[\d.]+ aiohttp|curl|Wget|Go-http-client|Java\/|Apache-HttpClient|okhttp|libwww-perl|axios|node-fetch|undici|got |HTTPie|Ruby|PycURL|Scrapy)/i, source: 'default agents of requests, curl, Go net/http, Java, okhttp, axios (their docs)' },
];

/**
 * Crawlers and link previewers (a link pasted into a chat or fetched by an indexer): they fetch a
 * URL, nobody clicked it. `…bot`, `crawler`, `spider` in an agent is the convention the robots
 * exclusion standard (RFC 9309) and the vendors' crawler pages follow; the previewers are named in
 * Slack's, Meta's, X's, LinkedIn's, WhatsApp's, Telegram's and Discord's docs. Capitalised `Bot`/`bot`
 * only, so a phone model such as `CUBOT` does not match.
 */
export const CRAWLER_AGENTS: readonly AgentPattern[] = [
  { name: 'crawler', re: /(?:[a-z]|\b)[Bb]ot\b|[Cc]rawler|[Ss]pider\b/, source: 'RFC 9309; Google, Bing and others\' crawler pages' },
  { name: 'link_preview', re: /facebookexternalhit|Slackbot|Twitterbot|LinkedInBot|WhatsApp|TelegramBot|Discordbot|SkypeUriPreview|Embedly|redditbot/i, source: 'Slack, Meta, X, LinkedIn, WhatsApp, Telegram, Discord link-preview docs' },
];

export interface NetworkList { name: string; cidrs: readonly string[]; source: string }

/**
 * Apple's networks, where MPP's proxy fetches from: 17.0.0.0/8 is Apple's own block (ARIN), and
 * MPP relays through iCloud Private Relay's egress (Apple, "Prepare your network or web server for
 * iCloud Private Relay", and its egress-ip-ranges.csv). The egress subset below is the Akamai and
 * Fastly blocks of that list; Cloudflare's relay blocks are left out because Cloudflare WARP, a VPN
 * people read mail through, shares them.
 */
export const APPLE_NETWORKS: NetworkList = {
  name: 'apple',
  cidrs: ['17.0.0.0/8', '2620:149::/32', '2403:300::/32', '172.224.0.0/12', '2a02:26f7::/32', '2a04:4e41::/32'],
  source: 'ARIN (17.0.0.0/8, 2620:149::/32); Apple APNIC 2403:300::/32; Apple iCloud Private Relay egress-ip-ranges.csv (Akamai, Fastly)',
};

/**
 * Networks of mail-security gateways that fetch and scan mail for their customers and never show it
 * to a reader: Mimecast's published relay ranges, Proofpoint's hosted (pphosted.com) ranges and
 * Barracuda's Email Security Service ranges, as their SPF includes and admin guides publish them.
 */
export const GATEWAY_NETWORKS: NetworkList = {
  name: 'gateway',
  cidrs: [
    // Mimecast (US, UK/EU) — Mimecast, "Mimecast IP ranges" / _netblocks.mimecast.com
    '205.139.110.0/24', '216.205.24.0/24', '207.211.30.0/24', '195.130.217.0/24', '91.220.42.0/24', '146.101.78.0/24',
    // Proofpoint hosted — Proofpoint, "IP addresses to allow" (pphosted.com)
    '148.163.128.0/19', '67.231.144.0/20',
    // Barracuda Email Security Service — Barracuda Campus, "Email Gateway Defense IP ranges"
    '209.222.80.0/21', '64.235.144.0/20',
  ],
  source: 'Mimecast, Proofpoint and Barracuda published relay ranges',
};

/**
 * Microsoft's mail filtering (Exchange Online Protection), from which Defender for Office 365 Safe
 * Links and Safe Attachments detonate links (Microsoft 365, "URLs and IP address ranges", Exchange
 * Online ID 9; spf.protection.outlook.com). Only for clicks: a person using Outlook clicks from their
 * own network, but Outlook.com's image proxy, which fetches on a real open, may share these blocks.
 */
export const MICROSOFT_FILTER_NETWORKS: NetworkList = {
  name: 'microsoft_eop',
  cidrs: ['40.92.0.0/15', '40.107.0.0/16', '52.100.0.0/15', '52.102.0.0/16', '52.103.0.0/17', '104.47.0.0/17', '2a01:111:f400::/48', '2a01:111:f403::/48'],
  source: 'Microsoft 365 endpoints, Exchange Online (ID 9), spf.protection.outlook.com',
};

export const firstMatch = (ua: string, list: readonly AgentPattern[]): AgentPattern | undefined => list.find((p) => p.re.test(ua));
