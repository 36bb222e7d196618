/**
 * The one configuration loader of the functions, the operator CLI and the local stack. Settings are parsed by the
 * one schema (`functions/settings.ts`) from the environment variables it names; the resources a function is
 * wired to (its table, state machine, queues, secret) come from the variables in `RESOURCE_ENV`. A deployed
 * function loads with the settings its manifest entry declares: each must be set, and reading any other throws,
 * so a function cannot silently run on a default its deployment never gave it.
 */
import type { CacheSettings } from './domain/enrichment/result-cache';
import type { RefundSettings } from './domain/feedback/record-feedback';
import type { WaterfallSettings } from './domain/enrichment/waterfall-settings';
import { envNameOf, parseSettings, SETTINGS, type RuntimeSettingName, type SettingName } from './settings';

/** Environment variables of the resources a function is wired to (set by the CDK constructs). */
export const RESOURCE_ENV = {
  tableName: 'TABLE_NAME',
  dynamoEndpoint: 'DYNAMODB_ENDPOINT',
  region: 'AWS_REGION',
  stateMachineArn: 'STATE_MACHINE_ARN',
  webhookQueueUrl: 'WEBHOOK_QUEUE_URL',
  webhookDeadLetterQueueUrl: 'WEBHOOK_DLQ_URL',
  providerSecretId: 'PROVIDER_SECRET_ID',
} as const;

/** Every environment variable the functions read: resources, and each runtime setting's own. */
export const ENV = {
  ...RESOURCE_ENV,
  waterfall: envNameOf('waterfall'),
  retentionDays: envNameOf('retentionDays'),
  maxEnrichmentSeconds: envNameOf('maxEnrichmentSeconds'),
  rateLimits: envNameOf('rateLimits'),
  providerCooldownSeconds: envNameOf('providerCooldownSeconds'),
  resultCacheDays: envNameOf('resultCacheDays'),
  resultCacheScope: envNameOf('resultCacheScope'),
  webhookRetrySchedule: envNameOf('webhookRetrySchedule'),
  allowPrivateWebhookTargets: envNameOf('allowPrivateWebhookTargets'),
  accountRateLimit: envNameOf('accountRateLimit'),
  refundOnBounce: envNameOf('refundOnBounce'),
  refundWindowDays: envNameOf('refundWindowDays'),
} as const satisfies Record<string, string>;

type Resources = { [K in keyof typeof RESOURCE_ENV]: string | undefined };

export interface Config extends Resources {
  allowPrivateWebhookTargets: boolean;
  retentionDays: number;
  waterfall: WaterfallSettings;
  /** Seconds before each webhook retry; undefined means the built-in schedule. */
  webhookRetrySchedule: number[] | undefined;
  /** The bound on an enrichment: the state machine's timeout, after which recovery finishes it. */
  maxEnrichmentSeconds: number;
  /** Per-provider calls per second, deployment-wide, over each provider's documented default. */
  rateLimits: Record<string, { perSecond: number }>;
  /** How long a provider whose circuit opened is skipped before a trial call. */
  providerCooldownSeconds: number;
  /** Days a find is reused for the same person (0: no cache), and whose finds an account may reuse. */
  resultCache: CacheSettings;
  /** Contacts per second an account may send unless it has its own rate (0: no limit). */
  accountRateLimit: number;
  /** Whether results reported bad are refunded, and within how many days of the finish. */
  refunds: RefundSettings;
}

/** The settings behind each configuration field (the results cache is two settings). */
const FIELD_SETTINGS: Record<Exclude<keyof Config, keyof Resources>, RuntimeSettingName[]> = {
  allowPrivateWebhookTargets: ['allowPrivateWebhookTargets'],
  retentionDays: ['retentionDays'],
  waterfall: ['waterfall'],
  webhookRetrySchedule: ['webhookRetrySchedule'],
  maxEnrichmentSeconds: ['maxEnrichmentSeconds'],
  rateLimits: ['rateLimits'],
  providerCooldownSeconds: ['providerCooldownSeconds'],
  resultCache: ['resultCacheDays', 'resultCacheScope'],
  accountRateLimit: ['accountRateLimit'],
  refunds: ['refundOnBounce', 'refundWindowDays'],
};

export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

type OptionalKey = {
  [K in keyof Config]: undefined extends Config[K] ? K : never;
}[keyof Config];

/** A setting the caller cannot work without; throws naming its environment variable when it is missing. */
export function required<K extends OptionalKey>(config: Config, key: K): NonNullable<Config[K]> {
  const value = config[key];
  if (value === undefined) throw new ConfigurationError(`${ENV[key]} is not set.`);
  return value as NonNullable<Config[K]>;
}

export interface LoadOptions {
  /** The local stack's defaults (the keyless sandbox waterfall, private webhook targets allowed). */
  local?: boolean;
  /**
   * A deployed function: the settings its manifest entry declares. Each must be set (unless it is optional),
   * and reading a setting not declared throws.
   */
  declared?: readonly RuntimeSettingName[];
}

const isRuntimeSetting = (name: SettingName): name is RuntimeSettingName => 'env' in SETTINGS[name];

function text(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): Config {
  const { settings, problems } = parseSettings(
    (name) => (isRuntimeSetting(name) ? text(env, envNameOf(name)) : undefined),
    { local: options.local, labels: 'environment' },
  );
  for (const name of options.declared ?? []) {
    if (SETTINGS[name].default !== undefined && text(env, envNameOf(name)) === undefined) {
      problems.push(`${envNameOf(name)}: is not set`);
    }
  }
  if (problems.length) throw new ConfigurationError(`Invalid configuration: ${problems.join('; ')}.`);

  const resources = Object.fromEntries(
    Object.entries(RESOURCE_ENV).map(([key, name]) => [key, text(env, name)]),
  ) as Resources;
  const config: Config = {
    ...resources,
    allowPrivateWebhookTargets: settings.allowPrivateWebhookTargets,
    retentionDays: settings.retentionDays,
    waterfall: settings.waterfall,
    webhookRetrySchedule: settings.webhookRetrySchedule,
    maxEnrichmentSeconds: settings.maxEnrichmentSeconds,
    rateLimits: settings.rateLimits,
    providerCooldownSeconds: settings.providerCooldownSeconds,
    resultCache: { days: settings.resultCacheDays, scope: settings.resultCacheScope },
    accountRateLimit: settings.accountRateLimit,
    refunds: { onBounce: settings.refundOnBounce, windowDays: settings.refundWindowDays },
  };
  return options.declared ? onlyDeclared(config, options.declared) : config;
}

/** The configuration of a function that may read only the settings it declares. */
export function onlyDeclared(config: Config, declared: readonly RuntimeSettingName[]): Config {
  return new Proxy(config, {
    get(target, key, receiver) {
      const needs = FIELD_SETTINGS[key as keyof typeof FIELD_SETTINGS] as RuntimeSettingName[] | undefined;
      const missing = needs?.filter((name) => !declared.includes(name));
      if (missing?.length) {
        throw new ConfigurationError(
          `This function reads ${missing.join(', ')} without declaring it in its manifest entry.`,
        );
      }
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}
