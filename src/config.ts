import fs from 'node:fs';
import { z } from 'zod';
import { TailorError } from './core/errors.ts';
import { keyWeakness } from './core/key-strength.ts';

/** A whole number from a JSON number or a string of digits ("abc", "1.5", true and "" are refused, not coerced). */
const whole = (min: number, max: number) => z.preprocess((v) => (typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v),
  z.number({ error: `expected a whole number from ${min} to ${max}` }).int(`expected a whole number from ${min} to ${max}`).min(min).max(max));

/** On or off: a JSON boolean, or true/false, 1/0, yes/no, on/off in any case. */
const flag = z.union([z.boolean(), z.stringbool({ error: 'expected true or false' })]);

/** One of a few words, in any case (`FULL` is `full`, as SQLite's own PRAGMA takes it). */
const word = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), z.enum(values));

const apiKey = z.string().superRefine((k, ctx) => {
  const weak = keyWeakness(k);
  if (weak) ctx.addIssue({ code: 'custom', message: weak });
});

/** Config: defaults, then an optional JSON file (TAILOR_CONFIG or ./tailor.config.json), then TAILOR_* variables. */
export const configSchema = z.object({
  db: z.string().min(1).default('./.tailor/tailor.db'),
  port: whole(0, 65535).default(3000),
  host: z.string().default('0.0.0.0'),
  /** Ingest only. At least 128 bits (core/key-strength.ts), and not the admin key. */
  writeKey: apiKey.optional(),
  /** Everything; accepted only as a Bearer token. */
  adminKey: apiKey.optional(),
  secret: z.string().min(16).optional(),
  /** Where recipients reach this server: the base of unsubscribe, preference and view-in-browser links. */
  publicUrl: z.string().url().default('http://localhost:3000'),
  redisUrl: z.string().url().optional(),
  smtpUrl: z.string().optional(),
  outbox: z.string().default('./outbox'),
  defaultRegion: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code such as GB').optional(),
  logLevel: word(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** SQLite: `full` fsyncs every commit (survives an OS crash, at a cost in throughput); `normal` survives a process crash. */
  sqliteSync: word(['normal', 'full']).default('normal'),
  /** PostgreSQL: connections in each process's pool. */
  pgPool: whole(1, 1000).default(10),
  /** Seconds a client has to send a whole request, headers and body; a slower one gets a 408 and is disconnected. */
  requestTimeout: whole(1, 3600).default(30),
  /** Open connections at most; further ones are closed at once. Unset: below the process's file-descriptor limit (server/limits.ts). */
  maxConnections: whole(1, 1_000_000).optional(),
  /** Ingest requests per minute per key (or per IP address for a key sent in the body); 0 turns the limit off. */
  rateLimitIngest: whole(0, 100_000_000).default(600_000),
  /** Requests per minute per IP address to the public pages (`/`, `/health`); 0 turns the limit off. */
  rateLimitPublic: whole(0, 100_000_000).default(600),
  /** Requests per minute per IP address to the open pixel and click redirect (mail image proxies fetch for many people from one address); 0 turns the limit off. */
  rateLimitTracking: whole(0, 100_000_000).default(60_000),
  /** IP addresses on tracking events are truncated (IPv4 to /24, IPv6 to /48) before they are stored. */
  anonymizeIp: flag.default(false),
  /** A click from an email adds the short-lived `_tailor` parameter, which the site snippet turns into an identify. */
  clickIdentify: flag.default(true),
  /** The sender of campaigns that name none: "Name <user@host>". */
  from: z.string().min(3).default('Tailor Demo Shop <shop@example.com>'),
  /** DKIM signing (all three, or none): the signing domain, the selector, and the private key (PEM, or a path to a PEM file). */
  dkimDomain: z.string().min(1).optional(),
  dkimSelector: z.string().min(1).optional(),
  dkimKey: z.string().min(1).optional(),
  /** Messages per second over all transports; 0: no limit. */
  sendRate: whole(0, 1_000_000).default(0),
  /** Seconds a sender holds the rows it works on; another sender takes over rows whose lease ran out (sooner, if their process is gone). */
  sendLease: whole(5, 3600).default(60),
  /** Messages in flight at once (SMTP: also the pool's connections, at most 20). */
  sendConcurrency: whole(1, 1000).default(10),
  /** Per recipient domain, messages per second: "gmail.com=50,yahoo.com=20". */
  domainRates: z.string().regex(/^(\s*[a-z0-9.-]+\s*=\s*\d+\s*)(,\s*[a-z0-9.-]+\s*=\s*\d+\s*)*$|^$/i, 'expected domain=rate pairs such as "gmail.com=50,yahoo.com=20"').default(''),
  /** Global quiet hours in each recipient's zone, "21:00-08:00"; empty: none. */
  quietHours: z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d)?$/, 'expected "HH:MM-HH:MM" such as "21:00-08:00"').default(''),
  /** Global frequency caps on marketing mail: "1/day,3/7d" (per calendar day in the recipient's zone, per rolling window). */
  frequencyCaps: z.string().regex(/^(\s*\d+\/(day|\d+[mhdw])\s*)(,\s*\d+\/(day|\d+[mhdw])\s*)*$|^$/, 'expected caps such as "1/day,3/7d"').default(''),
  /** The zone of recipients whose profile has none. */
  defaultTimezone: z.string().min(1).default('UTC'),
  /** The shared secret of POST /v1/webhooks/bounce (HTTP Basic password or X-Tailor-Webhook-Secret). */
  webhookSecret: z.string().min(16).optional(),
  /** SendGrid's signed event webhook public key (base64 DER or PEM). */
  sendgridPublicKey: z.string().min(1).optional(),
  /** Origins whose pages may call the browser routes (the SDK's short routes, its settings, `/t/i`): "https://shop.example.com,https://www.example.com". Default: none. */
  corsOrigins: z.preprocess((v) => (typeof v === 'string' ? v.split(',').map((o) => o.trim()).filter(Boolean) : v),
    z.array(z.string().regex(/^https?:\/\/[^/\s?#*]+$/, 'expected origins such as "https://shop.example.com" (scheme, host and port, no path)'))).default([]),
}).strict().superRefine((c, ctx) => {
  const dkim = [c.dkimDomain, c.dkimSelector, c.dkimKey].filter((v) => v !== undefined).length;
  if (dkim !== 0 && dkim !== 3) ctx.addIssue({ code: 'custom', path: ['dkimKey'], message: 'DKIM needs TAILOR_DKIM_DOMAIN, TAILOR_DKIM_SELECTOR and TAILOR_DKIM_KEY together' });
  if (c.writeKey && c.adminKey && c.writeKey === c.adminKey) {
    ctx.addIssue({ code: 'custom', path: ['writeKey'], message: 'the write key must differ from the admin key' });
  }
});
export type Config = z.infer<typeof configSchema>;

const ENV: Record<string, keyof Config> = {
  TAILOR_DB: 'db', TAILOR_PORT: 'port', TAILOR_HOST: 'host', TAILOR_WRITE_KEY: 'writeKey', TAILOR_ADMIN_KEY: 'adminKey',
  TAILOR_SECRET: 'secret', TAILOR_PUBLIC_URL: 'publicUrl', TAILOR_REDIS_URL: 'redisUrl', TAILOR_SMTP_URL: 'smtpUrl', TAILOR_OUTBOX: 'outbox',
  TAILOR_DEFAULT_REGION: 'defaultRegion', TAILOR_LOG_LEVEL: 'logLevel', TAILOR_SQLITE_SYNC: 'sqliteSync', TAILOR_PG_POOL: 'pgPool',
  TAILOR_REQUEST_TIMEOUT: 'requestTimeout', TAILOR_MAX_CONNECTIONS: 'maxConnections',
  TAILOR_RATE_LIMIT_INGEST: 'rateLimitIngest', TAILOR_RATE_LIMIT_PUBLIC: 'rateLimitPublic',
  TAILOR_RATE_LIMIT_TRACKING: 'rateLimitTracking', TAILOR_ANONYMIZE_IP: 'anonymizeIp', TAILOR_CLICK_IDENTIFY: 'clickIdentify',
  TAILOR_FROM: 'from', TAILOR_DKIM_DOMAIN: 'dkimDomain', TAILOR_DKIM_SELECTOR: 'dkimSelector', TAILOR_DKIM_KEY: 'dkimKey',
  TAILOR_SEND_RATE: 'sendRate', TAILOR_SEND_LEASE: 'sendLease', TAILOR_SEND_CONCURRENCY: 'sendConcurrency', TAILOR_DOMAIN_RATES: 'domainRates',
  TAILOR_QUIET_HOURS: 'quietHours', TAILOR_FREQUENCY_CAPS: 'frequencyCaps', TAILOR_DEFAULT_TIMEZONE: 'defaultTimezone',
  TAILOR_WEBHOOK_SECRET: 'webhookSecret', TAILOR_SENDGRID_PUBLIC_KEY: 'sendgridPublicKey', TAILOR_CORS_ORIGINS: 'corsOrigins',
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const file = env.TAILOR_CONFIG ?? (fs.existsSync('tailor.config.json') ? 'tailor.config.json' : undefined);
  let fromFile: Record<string, unknown> = {};
  if (file) {
    try {
      fromFile = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new TailorError('invalid_config', `config file ${file}: ${(e as Error).message}`);
    }
    if (!fromFile || typeof fromFile !== 'object' || Array.isArray(fromFile)) throw new TailorError('invalid_config', `config file ${file}: expected a JSON object`);
  }
  const fromEnv: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(ENV)) if (env[name] !== undefined && env[name] !== '') fromEnv[key] = env[name];
  const parsed = configSchema.safeParse({ ...fromFile, ...fromEnv, ...overrides });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // An unknown key can only come from the file (the environment is read by name): a typo there
    // would otherwise be ignored, and its setting silently keep its default.
    if (issue.code === 'unrecognized_keys') {
      throw new TailorError('invalid_config', `config file ${file}: unknown setting ${issue.keys.map((k) => `"${k}"`).join(', ')}`, issue.keys[0]);
    }
    const key = String(issue.path[0]);
    const envName = Object.entries(ENV).find(([, k]) => k === key)?.[0];
    const where = key in overrides ? key : envName && key in fromEnv ? envName : key in fromFile ? `${key} (config file ${file})` : envName ?? key;
    throw new TailorError('invalid_config', `invalid config ${where}: ${issue.message}`, key);
  }
  return parsed.data;
}
