import path from 'node:path';
import { z } from 'zod';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
    error: 'expected true or false',
  })
  .transform((value) => ['true', '1', 'yes', 'on'].includes(value));

const positiveInt = (max: number) =>
  z.coerce
    .number({ error: 'expected a whole number' })
    .int('expected a whole number')
    .min(1, 'expected at least 1')
    .max(max, `expected at most ${max}`);

const perPeriod = z.coerce
  .number({ error: 'expected a whole number (0: no limit)' })
  .int('expected a whole number (0: no limit)')
  .min(0)
  .max(10_000_000);

const commaList = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

const postgresUrl = z
  .string()
  .refine((value) => /^postgres(ql)?:\/\//.test(value), 'expected a postgresql:// connection URL');

const redisUrl = z.string().refine((value) => /^rediss?:\/\//.test(value), 'expected a redis:// or rediss:// URL');

/** `id:base64key` entries; each key must decode to 32 bytes (AES-256). The first one encrypts. */
const encryptionKeys = z.string().transform((value, ctx) => {
  const keys: { id: string; key: Buffer }[] = [];
  for (const entry of value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)) {
    const separator = entry.indexOf(':');
    const id = entry.slice(0, separator);
    const key = Buffer.from(entry.slice(separator + 1), 'base64');
    if (separator < 1 || !/^[A-Za-z0-9_-]+$/.test(id) || key.length !== 32) {
      ctx.addIssue({ code: 'custom', message: 'expected id:base64key entries, each key 32 bytes in base64' });
      return z.NEVER;
    }
    keys.push({ id, key });
  }
  if (keys.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'expected at least one id:base64key entry' });
    return z.NEVER;
  }
  return keys;
});

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce
    .number({ error: 'expected a port number' })
    .int('expected a port number')
    .min(0, 'expected a port number from 0 to 65535')
    .max(65535, 'expected a port number from 0 to 65535')
    .default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: postgresUrl.optional(),
  DATABASE_POOL_SIZE: positiveInt(200).default(10),
  DATABASE_PREPARED_STATEMENTS: z.coerce
    .number({ error: 'expected a whole number (0: none)' })
    .int('expected a whole number (0: none)')
    .min(0)
    .max(10_000)
    .default(500),
  DATA_DIR: z.string().min(1).default('./data'),
  REDIS_URL: redisUrl.optional(),
  ENCRYPTION_KEYS: encryptionKeys.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: booleanFlag.optional(),
  BOARD_PLUGINS: commaList.default([]),
  BOARD_BASE_URLS: commaList
    .pipe(
      z.array(
        z
          .string()
          .regex(
            /^[a-z][a-z0-9-]*(:[A-Z][A-Z0-9_]*)?=https?:\/\/\S+$/,
            'expected board-id[:ENVIRONMENT]=http(s)://url entries',
          ),
      ),
    )
    .default([]),
  BOARD_TIMEOUT_MS: positiveInt(120_000).default(10_000),
  SKIP_ENVIRONMENT_PREREQUISITES: commaList.default([]),
  GRAPHQL_INTROSPECTION: booleanFlag.optional(),
  GRAPHIQL: booleanFlag.optional(),
  CORS_ORIGINS: commaList.default([]),
  REQUEST_TIMEOUT_MS: positiveInt(600_000).default(30_000),
  SHUTDOWN_TIMEOUT_MS: positiveInt(60_000).default(10_000),
  MAX_QUERY_DEPTH: positiveInt(100).default(12),
  MAX_ALIASES: positiveInt(1000).default(30),
  MAX_TOKENS: positiveInt(100_000).default(2000),
  MAX_DIRECTIVES: positiveInt(1000).default(20),
  MAX_COST: positiveInt(100_000_000).default(500_000),
  MAX_REQUEST_BYTES: positiveInt(100 * 1024 * 1024).default(2 * 1024 * 1024),
  WS_INIT_TIMEOUT_MS: positiveInt(60_000).default(5_000),
  DEMO_ORGANIZATION: booleanFlag.optional(),
  WORKER: booleanFlag.default(true),
  WORKER_CONCURRENCY: positiveInt(200).default(32),
  WORKER_POLL_MS: positiveInt(60_000).default(1000),
  DELIVERY_MAX_ATTEMPTS: positiveInt(100).default(8),
  DELIVERY_LEASE_MS: positiveInt(3_600_000).default(60_000),
  DELIVERY_RETRY_BASE_MS: positiveInt(3_600_000).default(2000),
  DELIVERY_RETRY_MAX_MS: positiveInt(86_400_000).default(600_000),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'expected the http(s) URL clients and boards reach this server at' })
    .transform((value) => value.replace(/\/+$/, ''))
    .optional(),
  WEBHOOK_MAX_BYTES: positiveInt(100 * 1024 * 1024).default(10 * 1024 * 1024),
  DOCUMENT_MAX_BYTES: positiveInt(100 * 1024 * 1024).default(5 * 1024 * 1024),
  DOCUMENT_URL_TTL_SECONDS: positiveInt(7 * 86_400).default(300),
  S3_BUCKET_URL: z.url({ protocol: /^https?$/, error: 'expected the http(s) URL of the bucket' }).optional(),
  S3_REGION: z
    .string()
    .regex(/^[a-z0-9-]{2,40}$/, 'expected a region name such as eu-west-1')
    .default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  STATUS_POLL_BASE_MS: positiveInt(86_400_000).default(60_000),
  STATUS_POLL_MAX_MS: positiveInt(7 * 86_400_000).default(6 * 3_600_000),
  CONTRACT_CHECK_INTERVAL_MS: positiveInt(7 * 86_400_000).default(900_000),
  // 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: eight attempts over a little more than a day.
  EVENT_WEBHOOK_RETRY_SCHEDULE_MS: z
    .string()
    .regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, 'expected comma-separated milliseconds, e.g. 5000,300000')
    .transform((value) => value.split(',').map((item) => Number(item.trim())))
    .default([5000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]),
  EVENT_WEBHOOK_TIMEOUT_MS: positiveInt(60_000).default(10_000),
  EVENT_WEBHOOK_ALLOW_PRIVATE: booleanFlag.optional(),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  RATE_LIMIT_MUTATIONS_PER_MINUTE: perPeriod.default(600),
  RATE_LIMIT_TOKEN_CREATIONS_PER_HOUR: perPeriod.default(60),
  RATE_LIMIT_WEBHOOKS_PER_MINUTE: perPeriod.default(6000),
  RATE_LIMIT_APPLICATIONS_PER_HOUR: perPeriod.default(30),
  TRUST_PROXY: booleanFlag.default(false),
  AUTH_CACHE_TTL_MS: z.coerce
    .number({ error: 'expected a whole number' })
    .int('expected a whole number')
    .min(0)
    .max(60_000, 'expected at most 60000')
    .default(5000),
});

export type Environment = z.infer<typeof environmentSchema>;

/** Every environment variable the configuration reads. */
export const ENVIRONMENT_VARIABLES = Object.keys(environmentSchema.shape);

export interface Config {
  env: Environment['NODE_ENV'];
  port: number;
  host: string;
  database:
    | { kind: 'postgres'; url: string; poolSize: number; preparedStatements: number }
    | { kind: 'pglite'; dataDir: string };
  dataDir: string;
  redisUrl: string | undefined;
  encryptionKeys: { id: string; key: Buffer }[] | undefined;
  log: { level: Environment['LOG_LEVEL']; pretty: boolean };
  boardPlugins: string[];
  /** Overrides of board API base URLs, keyed `id:ENVIRONMENT` or `id`. */
  boardBaseUrls: Record<string, string>;
  boardTimeoutMs: number;
  /** Boards whose environment prerequisites (e.g. Le Forem's approved acceptance posting) are not enforced. */
  skipEnvironmentPrerequisites: string[];
  /** How often a worker asks a board about each contract: its health (quality rate, suspension), or a pending verification. */
  contractCheckMs: number;
  graphql: {
    introspection: boolean;
    graphiql: boolean;
    maxDepth: number;
    maxAliases: number;
    maxTokens: number;
    maxDirectives: number;
    maxCost: number;
    /** Largest GraphQL request body over HTTP. */
    maxBodyBytes: number;
  };
  corsOrigins: string[];
  /** The absolute URL boards and browsers reach this server at (webhook URLs, document links); the listening address when unset. */
  publicUrl: string | undefined;
  webhooks: { maxBytes: number };
  documents: {
    directory: string;
    /** An S3-compatible bucket instead of the directory. */
    s3: { bucketUrl: string; region: string; accessKeyId: string; secretAccessKey: string } | undefined;
    maxBytes: number;
    linkTtlSeconds: number;
  };
  /** How long an HTTP request's token stays known without a database read (0: every request reads it). */
  authCacheTtlMs: number;
  /** Requests allowed per key and period; 0 turns a limit off. Shared through Redis when REDIS_URL is set. */
  rateLimits: {
    mutationsPerMinute: number;
    tokenCreationsPerHour: number;
    webhooksPerMinute: number;
    applicationsPerHour: number;
  };
  /** Take the client address from X-Forwarded-For (behind a load balancer that sets it). */
  trustProxy: boolean;
  requestTimeoutMs: number;
  shutdownTimeoutMs: number;
  wsInitTimeoutMs: number;
  demoOrganization: boolean;
  worker: {
    /** Run the worker inside the API process. */
    inProcess: boolean;
    concurrency: number;
    pollMs: number;
    maxAttempts: number;
    leaseMs: number;
    retryBaseMs: number;
    retryMaxMs: number;
    /** First wait before asking a board without push where a posting stands; doubles up to pollMaxMs. */
    pollBaseMs: number;
    pollMaxMs: number;
    /** Outbound event webhooks: the waits before each retry (a delivery is given up after the last), and the call timeout. */
    eventWebhooks: { retryScheduleMs: number[]; timeoutMs: number };
  };
  /** Event endpoints may be plain http and point at private or loopback addresses (outside production by default). */
  eventWebhookAllowPrivate: boolean;
  /** Who may read /metrics: the bearer of this token; anyone when undefined (outside production), nobody when null. */
  metricsToken: string | null | undefined;
}

/**
 * A key no one generated at random: 32 random bytes have about 30 distinct values, and no run of identical or
 * consecutive bytes longer than a few; a typed passphrase, a repeated pattern or a counting sequence fails.
 */
export function isWeakKey(key: Buffer): boolean {
  if (new Set(key).size < 20) return true;
  if (key.every((byte) => byte >= 0x20 && byte < 0x7f)) return true;
  let run = 1;
  for (let index = 1; index < key.length; index += 1) {
    const step = (key[index]! - key[index - 1]! + 256) % 256;
    run = step === 0 || step === 1 || step === 255 ? run + 1 : 1;
    if (run >= 6) return true;
  }
  return false;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

/** Reads the configuration from environment variables; throws ConfigError with one line per bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? 'environment');
        const given =
          typeof present[name] === 'string' && !/KEY|URL|SECRET|TOKEN/.test(name) ? ` (got "${present[name]}")` : '';
        return `${name}: ${issue.message}${given}`;
      }),
    );
  }
  const env = parsed.data;
  if (env.S3_BUCKET_URL && !(env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY)) {
    throw new ConfigError(['S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY: required when S3_BUCKET_URL is set']);
  }
  const production = env.NODE_ENV === 'production';
  if (production) {
    if (!env.ENCRYPTION_KEYS)
      throw new ConfigError([
        'ENCRYPTION_KEYS: required in production (the key generated into DATA_DIR is for development)',
      ]);
    const weak = env.ENCRYPTION_KEYS.filter(({ key }) => isWeakKey(key)).map(({ id }) => id);
    if (weak.length > 0)
      throw new ConfigError([
        `ENCRYPTION_KEYS: the key(s) ${weak.join(', ')} are not random (generate one with: openssl rand -base64 32)`,
      ]);
  }
  const dataDir = path.resolve(env.DATA_DIR);
  return {
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    database: env.DATABASE_URL
      ? {
          kind: 'postgres',
          url: env.DATABASE_URL,
          poolSize: env.DATABASE_POOL_SIZE,
          preparedStatements: env.DATABASE_PREPARED_STATEMENTS,
        }
      : { kind: 'pglite', dataDir: path.join(dataDir, 'pglite') },
    dataDir,
    redisUrl: env.REDIS_URL,
    encryptionKeys: env.ENCRYPTION_KEYS,
    log: { level: env.LOG_LEVEL, pretty: env.LOG_PRETTY ?? (Boolean(process.stdout.isTTY) && !production) },
    boardPlugins: env.BOARD_PLUGINS,
    boardBaseUrls: Object.fromEntries(
      env.BOARD_BASE_URLS.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
    ),
    boardTimeoutMs: env.BOARD_TIMEOUT_MS,
    skipEnvironmentPrerequisites: env.SKIP_ENVIRONMENT_PREREQUISITES,
    contractCheckMs: env.CONTRACT_CHECK_INTERVAL_MS,
    graphql: {
      introspection: env.GRAPHQL_INTROSPECTION ?? !production,
      graphiql: env.GRAPHIQL ?? !production,
      maxDepth: env.MAX_QUERY_DEPTH,
      maxAliases: env.MAX_ALIASES,
      maxTokens: env.MAX_TOKENS,
      maxDirectives: env.MAX_DIRECTIVES,
      maxCost: env.MAX_COST,
      maxBodyBytes: env.MAX_REQUEST_BYTES,
    },
    corsOrigins: env.CORS_ORIGINS,
    publicUrl: env.PUBLIC_URL,
    webhooks: { maxBytes: env.WEBHOOK_MAX_BYTES },
    documents: {
      directory: path.join(dataDir, 'documents'),
      s3: env.S3_BUCKET_URL
        ? {
            bucketUrl: env.S3_BUCKET_URL,
            region: env.S3_REGION,
            accessKeyId: env.S3_ACCESS_KEY_ID!,
            secretAccessKey: env.S3_SECRET_ACCESS_KEY!,
          }
        : undefined,
      maxBytes: env.DOCUMENT_MAX_BYTES,
      linkTtlSeconds: env.DOCUMENT_URL_TTL_SECONDS,
    },
    authCacheTtlMs: env.AUTH_CACHE_TTL_MS,
    rateLimits: {
      mutationsPerMinute: env.RATE_LIMIT_MUTATIONS_PER_MINUTE,
      tokenCreationsPerHour: env.RATE_LIMIT_TOKEN_CREATIONS_PER_HOUR,
      webhooksPerMinute: env.RATE_LIMIT_WEBHOOKS_PER_MINUTE,
      applicationsPerHour: env.RATE_LIMIT_APPLICATIONS_PER_HOUR,
    },
    trustProxy: env.TRUST_PROXY,
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    wsInitTimeoutMs: env.WS_INIT_TIMEOUT_MS,
    demoOrganization: env.DEMO_ORGANIZATION ?? !production,
    worker: {
      inProcess: env.WORKER,
      concurrency: env.WORKER_CONCURRENCY,
      pollMs: env.WORKER_POLL_MS,
      maxAttempts: env.DELIVERY_MAX_ATTEMPTS,
      leaseMs: env.DELIVERY_LEASE_MS,
      retryBaseMs: env.DELIVERY_RETRY_BASE_MS,
      retryMaxMs: env.DELIVERY_RETRY_MAX_MS,
      pollBaseMs: env.STATUS_POLL_BASE_MS,
      pollMaxMs: env.STATUS_POLL_MAX_MS,
      eventWebhooks: { retryScheduleMs: env.EVENT_WEBHOOK_RETRY_SCHEDULE_MS, timeoutMs: env.EVENT_WEBHOOK_TIMEOUT_MS },
    },
    eventWebhookAllowPrivate: env.EVENT_WEBHOOK_ALLOW_PRIVATE ?? !production,
    metricsToken: env.METRICS_TOKEN ?? (production ? null : undefined),
  };
}
