import { resolve } from 'node:path';

/** Every setting the server reads, in one place. Environment variables are documented in README.md. */
export interface AppConfig {
  env: 'production' | 'development' | 'test';
  port: number;
  databaseUrl: string;
  redisUrl: string;
  /** Key prefix for every bull queue, so test runs and deployments never collide in one Redis. */
  redisPrefix: string;
  /** Key prefix of the shared sign-in/verify throttles (CQO_THROTTLE_PREFIX, default `redisPrefix`): every api replica of one deployment shares it. */
  throttlePrefix: string;
  /** GB/T 2260 code of the province this installation serves. */
  provinceCode: string;
  /** Null outside production: the secret is then kept in the database (app_setting). */
  jwtSecret: string | null;
  accessTokenTtlSeconds: number;
  sessionIdleMinutes: number;
  /** Absolute session lifetime from sign-in (ASVS V3.3.2): after it every request and refresh answers 401. */
  sessionMaxHours: number;
  /**
   * A token may be refreshed only until this long after it expired (ASVS V3.3.1; default the access
   * lifetime + 5 minutes): one that expired long ago is refused.
   */
  refreshWindowMinutes: number;
  /**
   * Refresh rotates the token; presenting a retired one ends the session (reuse detection, ASVS
   * V3.3), except the immediately previous one within this many seconds of its rotation (two
   * requests of one tab refreshing at once).
   */
  refreshReuseGraceSeconds: number;
  /** Sign-in and token-refresh requests per client IP per minute. */
  loginRateLimitPerMinute: number;
  /** Public certificate verifications (/verify/<code>) per client IP per minute. */
  verifyRateLimitPerMinute: number;
  /**
   * Failed sign-ins lock the pair (account, client IP), never the account for everyone (issue 18
   * item 5, ASVS V2.2.1). Past maxFailures failures of an account from all clients in the window,
   * every attempt at it waits slowdownStepMs more per failure, at most slowdownMaxMs.
   */
  lockout: { maxFailures: number; windowMinutes: number; lockMinutes: number; slowdownStepMs: number; slowdownMaxMs: number };
  webDist: string | null;
  /**
   * Express `trust proxy`: which proxies may set X-Forwarded-For (the client IP in audit and
   * throttling). Off unless TRUST_PROXY names them (issue 18): otherwise anyone could write a
   * forged IP into the audit log and step around the per-IP throttles.
   */
  trustProxy: string | false;
  /** Serve the OpenAPI page at /api/docs: on unless NODE_ENV=production (API_DOCS=on/off overrides). */
  apiDocs: boolean;
  logLevel: string;
  /** Years the statistics snapshots hold: the current year and the ones before it (trend, projection). */
  statsYears: number;
  /** A GeoJSON file of the province for the dashboard map view; null shows the ranking chart only. */
  provinceGeoJson: string | null;
  /** Bull job lock (and stalled-check interval): how long before a job of a dead worker is handed to another. */
  queueLockMs: number;
  /**
   * The outbox's watch over relayed jobs (issue 18 item 9): a row relayed but not completed for
   * `leaseMs` is looked up in bull; a job Redis lost is sent again (same job id), one failed for
   * good is sent again at most `maxResends` times and then marked failed. `retryDelayMs` is bull's
   * first retry delay (doubling) within a job's 5 attempts.
   */
  outbox: { leaseMs: number; maxResends: number; retryDelayMs: number };
  /**
   * Prometheus metrics (issue 22): `token` (METRICS_TOKEN) is the bearer token a scrape must send
   * (without it the metrics are served outside production only); `port` (METRICS_PORT) is where the
   * worker answers `/metrics` (none when unset; 0 picks a free port), on `host` (METRICS_HOST).
   */
  metrics: { token: string | null; port: number | null; host: string };
  /**
   * E-mail and SMS notifications (issue 22, docs/notifications.md): `smtpUrl` (SMTP_URL) and
   * `mailFrom` (MAIL_FROM) for e-mail, `smsGatewayUrl` / `smsGatewayToken` (SMS_GATEWAY_URL,
   * SMS_GATEWAY_TOKEN) for the HTTP SMS gateway; a channel without its URL is not configured (the
   * message is logged and recorded as not sent). `publicBaseUrl` (PUBLIC_BASE_URL) makes links
   * absolute; `dailyCap` (MESSAGE_DAILY_CAP, default 5) bounds messages per recipient, channel and
   * China day; `quietHours` (MESSAGE_QUIET_HOURS, default 22:00-08:00 Asia/Shanghai, `off` for none)
   * holds messages until it ends; `timeoutMs` (MESSAGE_TIMEOUT_MS) bounds one send.
   */
  messaging: {
    smtpUrl: string | null;
    mailFrom: string;
    smsGatewayUrl: string | null;
    smsGatewayToken: string | null;
    publicBaseUrl: string;
    dailyCap: number;
    quietHours: { start: string; end: string } | null;
    timeoutMs: number;
  };
  /** Statistics changes are coalesced: the recount of what changed starts at most this long after the change (one run per window). */
  statsDebounceMs: number;
  /** Test hook, ignored in production: the full rebuild pauses this long before it swaps the snapshot in. */
  statsRebuildPauseMs: number;
  /** Where the files are kept without an object store (`CQO_FILES_DIR`): the embedded default. */
  filesDir: string;
  /** The S3-compatible object store of every file (issue 21), when `CQO_S3_BUCKET` is set; else the folder. */
  s3: S3Settings | null;
  /** Days an export or import job and its files are kept (我的导出/导入). */
  fileJobDays: number;
  /** Test hook, ignored in production: a file job waits this long after each progress report. */
  fileJobStepDelayMs: number;
  /**
   * The connection pool and the guard rails that turn a mistake into an error instead of a hang: how
   * long a request waits for a pool connection, how long one statement may run, and how long a
   * session may sit idle inside an open transaction (PostgreSQL then ends it).
   */
  db: { poolSize: number; acquireTimeoutMs: number; statementTimeoutMs: number; idleInTransactionTimeoutMs: number };
  /**
   * Development and test: a query that asks the pool for a second connection from inside a
   * transaction callback throws (it would deadlock under load). Off in production.
   */
  transactionGuard: boolean;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

/** `CQO_S3_*`: a bucket of an S3-compatible store (MinIO, AWS S3). No keys: the SDK's own chain (an IAM role…). */
export interface S3Settings {
  endpoint: string | null;
  bucket: string;
  region: string;
  accessKeyId: string | null;
  secretAccessKey: string | null;
  forcePathStyle: boolean;
}

/** The object store's settings, or null (files in CQO_FILES_DIR) when no bucket is named. */
export function s3Settings(env: NodeJS.ProcessEnv): S3Settings | null {
  const bucket = env.CQO_S3_BUCKET?.trim();
  if (!bucket) return null;
  const endpoint = env.CQO_S3_ENDPOINT?.trim() || null;
  const accessKeyId = env.CQO_S3_ACCESS_KEY_ID?.trim() || null;
  const secretAccessKey = env.CQO_S3_SECRET_ACCESS_KEY?.trim() || null;
  if (!accessKeyId !== !secretAccessKey) throw new Error('CQO_S3_ACCESS_KEY_ID and CQO_S3_SECRET_ACCESS_KEY go together: set both or neither');
  const pathStyle = env.CQO_S3_FORCE_PATH_STYLE?.trim().toLowerCase();
  if (pathStyle && !['true', 'false', '1', '0'].includes(pathStyle)) throw new Error(`CQO_S3_FORCE_PATH_STYLE must be true or false, got "${env.CQO_S3_FORCE_PATH_STYLE}"`);
  return {
    endpoint,
    bucket,
    region: env.CQO_S3_REGION?.trim() || 'us-east-1',
    accessKeyId,
    secretAccessKey,
    // MinIO and most self-hosted stores want path-style URLs; AWS itself virtual-hosted ones.
    forcePathStyle: pathStyle ? pathStyle === 'true' || pathStyle === '1' : endpoint !== null,
  };
}

function int(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

/** METRICS_PORT: unset → no worker metrics server; 0 → a free port; else 1–65535. */
function metricsPort(raw: string | undefined): number | null {
  if (raw === undefined || raw.trim() === '') return null;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`METRICS_PORT must be a port number (0 for any free one), got "${raw}"`);
  return n;
}

/** `HH:MM-HH:MM` (China time); `off` / `none` for no quiet hours; default 22:00-08:00. */
function quietHours(raw: string | undefined): { start: string; end: string } | null {
  const v = raw?.trim();
  if (!v) return { start: '22:00', end: '08:00' };
  if (/^(off|none|false|0)$/i.test(v)) return null;
  const m = /^([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-3]):([0-5][0-9])$/.exec(v);
  if (!m) throw new Error(`MESSAGE_QUIET_HOURS must be HH:MM-HH:MM or off, got "${v}"`);
  return { start: `${m[1]}:${m[2]}`, end: `${m[3]}:${m[4]}` };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const mode = env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development';
  const databaseUrl = env.DATABASE_URL ?? '';
  if (!databaseUrl) throw new Error('DATABASE_URL is not set (npm start sets it for you; see README.md)');
  const jwtSecret = env.JWT_SECRET || null;
  if (mode === 'production' && (!jwtSecret || jwtSecret.length < 32)) {
    throw new Error('JWT_SECRET must be set to at least 32 characters in production (all api replicas share it)');
  }
  const provinceCode = env.CQO_PROVINCE ?? '420000';
  if (!/^\d{2}0000$/.test(provinceCode)) throw new Error(`CQO_PROVINCE must be a province code like 420000, got "${provinceCode}"`);
  return {
    env: mode,
    port: int('PORT', 3000, env),
    databaseUrl,
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    redisPrefix: env.CQO_REDIS_PREFIX || 'cqo',
    throttlePrefix: env.CQO_THROTTLE_PREFIX || env.CQO_REDIS_PREFIX || 'cqo',
    provinceCode,
    jwtSecret,
    accessTokenTtlSeconds: int('ACCESS_TOKEN_TTL_SECONDS', 900, env),
    sessionIdleMinutes: int('SESSION_IDLE_MINUTES', 30, env),
    sessionMaxHours: int('SESSION_MAX_HOURS', 12, env),
    refreshWindowMinutes: int('REFRESH_WINDOW_MINUTES', Math.ceil(int('ACCESS_TOKEN_TTL_SECONDS', 900, env) / 60) + 5, env),
    refreshReuseGraceSeconds: int('REFRESH_REUSE_GRACE_SECONDS', 30, env),
    loginRateLimitPerMinute: int('LOGIN_RATE_LIMIT_PER_MINUTE', 20, env),
    verifyRateLimitPerMinute: int('VERIFY_RATE_LIMIT_PER_MINUTE', 30, env),
    lockout: {
      maxFailures: int('LOCKOUT_MAX_FAILURES', 5, env),
      windowMinutes: int('LOCKOUT_WINDOW_MINUTES', 15, env),
      lockMinutes: int('LOCKOUT_MINUTES', 30, env),
      slowdownStepMs: int('LOGIN_SLOWDOWN_STEP_MS', 500, env),
      slowdownMaxMs: int('LOGIN_SLOWDOWN_MAX_MS', 5000, env),
    },
    webDist: env.CQO_WEB_DIST ?? null,
    apiDocs: env.API_DOCS ? /^(on|true|1|yes)$/i.test(env.API_DOCS.trim()) : mode !== 'production',
    trustProxy: !env.TRUST_PROXY || /^(false|off|0|no)$/i.test(env.TRUST_PROXY.trim()) ? false : env.TRUST_PROXY.trim(),
    logLevel: env.LOG_LEVEL || (mode === 'test' ? 'warn' : 'info'),
    statsYears: int('STATS_YEARS', 5, env),
    provinceGeoJson: env.CQO_PROVINCE_GEOJSON || null,
    queueLockMs: int('QUEUE_LOCK_MS', 30_000, env),
    statsDebounceMs: int('STATS_DEBOUNCE_MS', 1000, env),
    metrics: {
      token: env.METRICS_TOKEN?.trim() || null,
      port: metricsPort(env.METRICS_PORT),
      host: env.METRICS_HOST?.trim() || '0.0.0.0',
    },
    messaging: {
      smtpUrl: env.SMTP_URL?.trim() || null,
      mailFrom: env.MAIL_FROM?.trim() || 'noreply@localhost',
      smsGatewayUrl: env.SMS_GATEWAY_URL?.trim() || null,
      smsGatewayToken: env.SMS_GATEWAY_TOKEN?.trim() || null,
      publicBaseUrl: (env.PUBLIC_BASE_URL?.trim() || 'http://localhost:3000').replace(/\/+$/, ''),
      dailyCap: int('MESSAGE_DAILY_CAP', 5, env),
      quietHours: quietHours(env.MESSAGE_QUIET_HOURS),
      timeoutMs: int('MESSAGE_TIMEOUT_MS', 10_000, env),
    },
    outbox: {
      leaseMs: int('OUTBOX_LEASE_MS', 60_000, env),
      maxResends: int('OUTBOX_MAX_RESENDS', 2, env),
      retryDelayMs: int('OUTBOX_RETRY_DELAY_MS', 1000, env),
    },
    statsRebuildPauseMs: mode === 'production' ? 0 : Number(env.CQO_STATS_REBUILD_PAUSE_MS ?? 0) || 0,
    filesDir: resolve(env.CQO_FILES_DIR || '.data/files'),
    s3: s3Settings(env),
    fileJobDays: int('FILE_JOB_DAYS', 7, env),
    fileJobStepDelayMs: mode === 'production' ? 0 : Number(env.CQO_FILE_JOB_STEP_DELAY_MS ?? 0) || 0,
    db: {
      poolSize: int('DB_POOL_SIZE', 10, env),
      acquireTimeoutMs: int('DB_ACQUIRE_TIMEOUT_MS', 30_000, env),
      statementTimeoutMs: int('DB_STATEMENT_TIMEOUT_MS', 30_000, env),
      idleInTransactionTimeoutMs: int('DB_IDLE_IN_TRANSACTION_TIMEOUT_MS', 60_000, env),
    },
    transactionGuard: mode !== 'production' && env.CQO_TRANSACTION_GUARD !== 'off',
  };
}
