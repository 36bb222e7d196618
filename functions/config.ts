/**
 * The one configuration loader of the functions and the local stack. Every setting comes from the environment
 * (CDK sets it in AWS, the local stack and tests locally), under the names in `ENV`, which the CDK constructs
 * use too. Values are checked when loaded; a value a function cannot do without is asked for with `required`,
 * which throws at initialisation rather than letting an empty string reach an AWS call.
 */
import { DEFAULT_CACHE_SETTINGS, type CacheScope, type CacheSettings } from './domain/result-cache';
import {
  rateLimitsProblems,
  SANDBOX_WATERFALL,
  waterfallSettingsProblems,
  type WaterfallSettings,
} from './domain/waterfall-settings';

/** Environment variable names, shared by the loader and the CDK constructs that set them. */
export const ENV = {
  tableName: 'TABLE_NAME',
  dynamoEndpoint: 'DYNAMODB_ENDPOINT',
  region: 'AWS_REGION',
  stateMachineArn: 'STATE_MACHINE_ARN',
  webhookQueueUrl: 'WEBHOOK_QUEUE_URL',
  webhookDeadLetterQueueUrl: 'WEBHOOK_DLQ_URL',
  allowPrivateWebhookTargets: 'ALLOW_PRIVATE_WEBHOOK_TARGETS',
  retentionDays: 'RETENTION_DAYS',
  waterfall: 'WATERFALL_CONFIG',
  providerSecretId: 'PROVIDER_SECRET_ID',
  webhookRetrySchedule: 'WEBHOOK_RETRY_SCHEDULE',
  maxEnrichmentSeconds: 'MAX_ENRICHMENT_SECONDS',
  rateLimits: 'RATE_LIMITS',
  providerCooldownSeconds: 'PROVIDER_COOLDOWN_SECONDS',
  resultCacheDays: 'RESULT_CACHE_DAYS',
  resultCacheScope: 'RESULT_CACHE_SCOPE',
} as const;

/** Days a contact record is kept when `RETENTION_DAYS` is not set (the CDK setting `retentionDays` sets it). */
export const DEFAULT_RETENTION_DAYS = 90;

/** The longest an enrichment stays pending when `MAX_ENRICHMENT_SECONDS` is not set (`maxEnrichmentSeconds`). */
export const DEFAULT_MAX_ENRICHMENT_SECONDS = 3600;

/** How long a provider whose circuit opened is skipped (`providerCooldownSeconds`). */
export const DEFAULT_PROVIDER_COOLDOWN_SECONDS = 300;

export interface Config {
  tableName: string | undefined;
  dynamoEndpoint: string | undefined;
  region: string | undefined;
  stateMachineArn: string | undefined;
  webhookQueueUrl: string | undefined;
  /** The webhook dead-letter queue: early give-ups go there, and the operator redrives from it. */
  webhookDeadLetterQueueUrl: string | undefined;
  allowPrivateWebhookTargets: boolean;
  retentionDays: number;
  waterfall: WaterfallSettings;
  /** Secrets Manager secret holding `{ "<provider>": "<api key>" }` (AWS); absent locally. */
  providerSecretId: string | undefined;
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
}

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

function text(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function secondsList(env: NodeJS.ProcessEnv, name: string): number[] | undefined {
  const value = text(env, name);
  if (!value) return undefined;
  const seconds = value.split(',').map((part) => Number(part.trim()));
  if (!seconds.every((n) => Number.isFinite(n) && n >= 0)) {
    throw new ConfigurationError(`${name} must be comma-separated seconds, got "${value}".`);
  }
  return seconds;
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = text(env, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new ConfigurationError(`${name} must be a positive integer, got "${value}".`);
  }
  return Number(value);
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = text(env, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new ConfigurationError(`${name} must be a whole number, got "${value}".`);
  return Number(value);
}

function cacheScopeFrom(env: NodeJS.ProcessEnv, name: string): CacheScope {
  const value = text(env, name) ?? DEFAULT_CACHE_SETTINGS.scope;
  if (value !== 'account' && value !== 'deployment') {
    throw new ConfigurationError(`${name} must be account or deployment, got "${value}".`);
  }
  return value;
}

function rateLimitsFrom(env: NodeJS.ProcessEnv, name: string): Record<string, { perSecond: number }> {
  const value = text(env, name);
  if (value === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new ConfigurationError(`${name} must be JSON.`);
  }
  const problems = rateLimitsProblems(parsed);
  if (problems.length) throw new ConfigurationError(`${name} is invalid: ${problems.join('; ')}.`);
  return parsed as Record<string, { perSecond: number }>;
}

function waterfallFrom(env: NodeJS.ProcessEnv, name: string): WaterfallSettings {
  const value = text(env, name);
  if (value === undefined) return SANDBOX_WATERFALL;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new ConfigurationError(`${name} must be JSON.`);
  }
  const problems = waterfallSettingsProblems(parsed);
  if (problems.length) throw new ConfigurationError(`${name} is invalid: ${problems.join('; ')}.`);
  return parsed as WaterfallSettings;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    tableName: text(env, ENV.tableName),
    dynamoEndpoint: text(env, ENV.dynamoEndpoint),
    region: text(env, ENV.region),
    stateMachineArn: text(env, ENV.stateMachineArn),
    webhookQueueUrl: text(env, ENV.webhookQueueUrl),
    webhookDeadLetterQueueUrl: text(env, ENV.webhookDeadLetterQueueUrl),
    allowPrivateWebhookTargets: text(env, ENV.allowPrivateWebhookTargets) === 'true',
    retentionDays: positiveInteger(env, ENV.retentionDays, DEFAULT_RETENTION_DAYS),
    waterfall: waterfallFrom(env, ENV.waterfall),
    providerSecretId: text(env, ENV.providerSecretId),
    webhookRetrySchedule: secondsList(env, ENV.webhookRetrySchedule),
    maxEnrichmentSeconds: positiveInteger(env, ENV.maxEnrichmentSeconds, DEFAULT_MAX_ENRICHMENT_SECONDS),
    rateLimits: rateLimitsFrom(env, ENV.rateLimits),
    providerCooldownSeconds: positiveInteger(
      env,
      ENV.providerCooldownSeconds,
      DEFAULT_PROVIDER_COOLDOWN_SECONDS,
    ),
    resultCache: {
      days: wholeNumber(env, ENV.resultCacheDays, DEFAULT_CACHE_SETTINGS.days),
      scope: cacheScopeFrom(env, ENV.resultCacheScope),
    },
  };
}
