import fs from 'node:fs';
import { z } from 'zod';
import { TailorError } from './core/errors.ts';
import { keyWeakness } from './core/key-strength.ts';

/** A whole number from a JSON number or a string of digits ("abc", "1.5", true and "" are refused, not coerced). */
const whole = (min: number, max: number) => z.preprocess((v) => (typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v),
  z.number({ error: `expected a whole number from ${min} to ${max}` }).int(`expected a whole number from ${min} to ${max}`).min(min).max(max));

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
}).strict().superRefine((c, ctx) => {
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
