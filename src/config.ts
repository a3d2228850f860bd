import fs from 'node:fs';
import { z } from 'zod';
import { TailorError } from './core/errors.ts';

/** Config: defaults, then an optional JSON file (TAILOR_CONFIG or ./tailor.config.json), then TAILOR_* variables. */
export const configSchema = z.object({
  db: z.string().min(1).default('./.tailor/tailor.db'),
  port: z.coerce.number().int().min(0).max(65535).default(3000),
  host: z.string().default('0.0.0.0'),
  writeKey: z.string().min(8).optional(),
  adminKey: z.string().min(8).optional(),
  secret: z.string().min(16).optional(),
  /** Where recipients reach this server: the base of unsubscribe, preference and view-in-browser links. */
  publicUrl: z.string().url().default('http://localhost:3000'),
  redisUrl: z.string().url().optional(),
  smtpUrl: z.string().optional(),
  outbox: z.string().default('./outbox'),
  defaultRegion: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code such as GB').optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** SQLite: `full` fsyncs every commit (survives an OS crash, at a cost in throughput); `normal` survives a process crash. */
  sqliteSync: z.enum(['normal', 'full']).default('normal'),
  /** PostgreSQL: connections in each process's pool. */
  pgPool: z.coerce.number().int().min(1).max(1000).default(10),
});
export type Config = z.infer<typeof configSchema>;

const ENV: Record<string, keyof Config> = {
  TAILOR_DB: 'db', TAILOR_PORT: 'port', TAILOR_HOST: 'host', TAILOR_WRITE_KEY: 'writeKey', TAILOR_ADMIN_KEY: 'adminKey',
  TAILOR_SECRET: 'secret', TAILOR_PUBLIC_URL: 'publicUrl', TAILOR_REDIS_URL: 'redisUrl', TAILOR_SMTP_URL: 'smtpUrl', TAILOR_OUTBOX: 'outbox',
  TAILOR_DEFAULT_REGION: 'defaultRegion', TAILOR_LOG_LEVEL: 'logLevel', TAILOR_SQLITE_SYNC: 'sqliteSync', TAILOR_PG_POOL: 'pgPool',
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
  }
  const fromEnv: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(ENV)) if (env[name] !== undefined && env[name] !== '') fromEnv[key] = env[name];
  const parsed = configSchema.safeParse({ ...fromFile, ...fromEnv, ...overrides });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0]);
    const envName = Object.entries(ENV).find(([, k]) => k === key)?.[0] ?? key;
    throw new TailorError('invalid_config', `invalid config ${envName}: ${issue.message}`, key);
  }
  return parsed.data;
}
