/**
 * The one settings schema of the product. Each setting is declared here once, with its bounds, its default and,
 * for the settings the functions read, its environment variable: CDK reads the settings from context (`cdk.json`
 * or `cdk deploy -c key=value`) and hands each function the ones its manifest entry declares; the functions and
 * the local stack read those from their environment with the very same parsers.
 *
 * Every parser takes a setting in its typed form (context values from `cdk.json`) or in its string form
 * (`-c key=value`, environment variables) and throws a `SettingError` saying what it expects.
 */
import { MAX_RETRY_DELAY_SECONDS } from './domain/webhooks/retry-schedule';
import type { CacheScope } from './domain/enrichment/result-cache';
import {
  rateLimitsProblems,
  SANDBOX_WATERFALL,
  waterfallSettingsProblems,
  type WaterfallSettings,
} from './domain/enrichment/waterfall-settings';

export class SettingError extends Error {
  override readonly name = 'SettingError';
}

type Parser<T> = (value: unknown) => T;

const integer =
  (min: number, max: number): Parser<number> =>
  (value) => {
    const number = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
      throw new SettingError(`must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
    }
    return number;
  };

const flag: Parser<boolean> = (value) => {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new SettingError(`must be true or false, got ${JSON.stringify(value)}`);
};

const oneOf =
  <T extends string>(...choices: T[]): Parser<T> =>
  (value) => {
    if (typeof value === 'string' && (choices as string[]).includes(value)) return value as T;
    throw new SettingError(`must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`);
  };

const matching =
  (pattern: RegExp, what: string): Parser<string> =>
  (value) => {
    if (typeof value === 'string' && pattern.test(value)) return value;
    throw new SettingError(`must be ${what}, got ${JSON.stringify(value)}`);
  };

/** A JSON object (or its text), checked by a domain schema that lists its problems. */
const json =
  <T>(problemsOf: (value: unknown) => string[]): Parser<T> =>
  (value) => {
    let parsed = value;
    if (typeof value === 'string') {
      try {
        parsed = JSON.parse(value) as unknown;
      } catch {
        throw new SettingError('must be JSON');
      }
    }
    const problems = problemsOf(parsed);
    if (problems.length) throw new SettingError(`is invalid: ${problems.join('; ')}`);
    return parsed as T;
  };

/** Seconds before each webhook retry: a list, or comma-separated text; empty means the built-in schedule. */
const retrySchedule: Parser<number[] | undefined> = (value) => {
  const parts =
    typeof value === 'string' ? value.split(',').filter((part) => part.trim() !== '') : (value ?? []);
  if (!Array.isArray(parts)) throw new SettingError('must be a list of seconds');
  if (!parts.length) return undefined;
  const delay = integer(0, MAX_RETRY_DELAY_SECONDS);
  return parts.map((part: unknown) => delay(typeof part === 'string' ? part.trim() : part));
};

const optionalEmail: Parser<string | undefined> = (value) => {
  if (value === undefined || value === null || value === '') return undefined;
  return matching(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'an email address')(value);
};

/** Retention periods CloudWatch Logs offers, in days. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const logRetentionDays: Parser<number> = (value) => {
  const days = integer(1, 3653)(value);
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(days)) {
    throw new SettingError(
      `must be one of the retention periods CloudWatch Logs offers (${LOG_RETENTION_DAYS.join(', ')})`,
    );
  }
  return days;
};

interface Setting<T> {
  parse: Parser<T>;
  /** The deployed default, written here only. */
  default: T;
  /** The environment variable the functions (and the local stack) read it from; none: a deployment setting. */
  env?: string;
  /** The local stack's default where it differs (e.g. the keyless sandbox waterfall). */
  local?: T;
}

/** A deployment setting: CDK reads it; no function does. */
const setting = <T>(definition: Omit<Setting<T>, 'env'>): Setting<T> => definition;
/** A setting the functions read, from the environment variable `env`. */
const runtimeSetting = <T>(
  env: string,
  definition: Omit<Setting<T>, 'env'>,
): Setting<T> & { env: string } => ({
  ...definition,
  env,
});

/** The waterfall `cdk deploy` sets up unless told otherwise: real providers, in each type's order. */
export const DEPLOYED_WATERFALL: WaterfallSettings = {
  order: {
    email: ['hunter', 'prospeo', 'dropcontact', 'icypeas'],
    phone: ['prospeo', 'contactout', 'peopledatalabs'],
    personal_email: ['contactout', 'peopledatalabs'],
  },
  prices: {},
  verifier: 'millionverifier',
};

export const SETTINGS = {
  stackName: setting({
    parse: matching(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, 'a CloudFormation stack name'),
    default: 'ContactEnrichment',
  }),
  waterfall: runtimeSetting<WaterfallSettings>('WATERFALL_CONFIG', {
    parse: json(waterfallSettingsProblems),
    default: DEPLOYED_WATERFALL,
    local: SANDBOX_WATERFALL,
  }),
  retentionDays: runtimeSetting('RETENTION_DAYS', { parse: integer(1, 3650), default: 90 }),
  maxEnrichmentSeconds: runtimeSetting('MAX_ENRICHMENT_SECONDS', {
    parse: integer(60, 86_400),
    default: 3600,
  }),
  rateLimits: runtimeSetting<Record<string, { perSecond: number }>>('RATE_LIMITS', {
    parse: json(rateLimitsProblems),
    default: {},
  }),
  providerCooldownSeconds: runtimeSetting('PROVIDER_COOLDOWN_SECONDS', {
    parse: integer(1, 86_400),
    default: 300,
  }),
  resultCacheDays: runtimeSetting('RESULT_CACHE_DAYS', { parse: integer(0, 3650), default: 30 }),
  resultCacheScope: runtimeSetting<CacheScope>('RESULT_CACHE_SCOPE', {
    parse: oneOf('account', 'deployment'),
    default: 'account',
  }),
  webhookRetrySchedule: runtimeSetting('WEBHOOK_RETRY_SCHEDULE', {
    parse: retrySchedule,
    default: undefined,
  }),
  /** Contacts per second each account may send (its bucket holds twice that); 0 turns the limit off. */
  accountRateLimit: runtimeSetting('ACCOUNT_RATE_LIMIT', { parse: integer(0, 100_000), default: 20 }),
  /** A bounced email or a phone list of wrong numbers gives back what it was charged. */
  refundOnBounce: runtimeSetting('REFUND_ON_BOUNCE', { parse: flag, default: true }),
  /** Days after an enrichment's finish within which such feedback is refunded. */
  refundWindowDays: runtimeSetting('REFUND_WINDOW_DAYS', { parse: integer(0, 3650), default: 30 }),
  allowPrivateWebhookTargets: runtimeSetting('ALLOW_PRIVATE_WEBHOOK_TARGETS', {
    parse: flag,
    default: false,
  }),
  logRetentionDays: setting({ parse: logRetentionDays, default: 30 }),
  apiRateLimit: setting({ parse: integer(1, 10_000), default: 100 }),
  apiBurstLimit: setting({ parse: integer(1, 5_000), default: 200 }),
  acceptRateLimit: setting({ parse: integer(1, 10_000), default: 50 }),
  acceptBurstLimit: setting({ parse: integer(1, 5_000), default: 100 }),
  bulkRateLimit: setting({ parse: integer(1, 1_000), default: 1 }),
  bulkBurstLimit: setting({ parse: integer(1, 500), default: 5 }),
  authorizerCacheSeconds: setting({ parse: integer(0, 3600), default: 60 }),
  webAcl: setting({ parse: flag, default: false }),
  webAclRateLimitPerIp: setting({ parse: integer(10, 2_000_000_000), default: 3000 }),
  apiGatewayCloudWatchRole: setting({ parse: flag, default: true }),
  alarmEmail: setting({ parse: optionalEmail, default: undefined }),
};

export type SettingName = keyof typeof SETTINGS;
export type Settings = { [K in SettingName]: (typeof SETTINGS)[K]['default'] };

/** The settings the functions read from their environment. */
export type RuntimeSettingName = {
  [K in SettingName]: (typeof SETTINGS)[K] extends { env: string } ? K : never;
}[SettingName];

export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

export const RUNTIME_SETTING_NAMES = SETTING_NAMES.filter(
  (name): name is RuntimeSettingName => 'env' in SETTINGS[name],
);

/**
 * Reads every setting from `source` (absent ones take their default, or the local one when `local`), and
 * lists every problem rather than the first.
 */
export function parseSettings(
  source: (name: SettingName) => unknown,
  options: { local?: boolean; labels?: 'context' | 'environment' } = {},
): { settings: Settings; problems: string[] } {
  const settings: Partial<Record<SettingName, unknown>> = {};
  const problems: string[] = [];
  for (const name of SETTING_NAMES) {
    const definition: Setting<unknown> = SETTINGS[name];
    const raw = source(name);
    if (raw === undefined || (typeof raw === 'string' && raw.trim() === '')) {
      settings[name] = options.local && 'local' in definition ? definition.local : definition.default;
      continue;
    }
    try {
      settings[name] = definition.parse(typeof raw === 'string' ? raw.trim() : raw);
    } catch (error) {
      if (!(error instanceof SettingError)) throw error;
      const label = options.labels === 'environment' ? (definition.env ?? name) : name;
      problems.push(`${label}: ${error.message}`);
    }
  }
  return { settings: settings as Settings, problems };
}

/** A setting's value as its environment variable carries it. */
export function environmentValue(name: RuntimeSettingName, value: Settings[RuntimeSettingName]): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function envNameOf(name: RuntimeSettingName): string {
  return (SETTINGS[name] as { env: string }).env;
}

/** Every setting at its deployed default. */
export function defaultSettings(): Settings {
  return parseSettings(() => undefined).settings;
}
