/**
 * The deployment's settings, read from CDK context: `cdk.json` holds the defaults, `cdk deploy -c key=value`
 * overrides one. Values given with `-c` arrive as strings, so every setting also accepts its string form
 * (`true`, `30`, a JSON object, comma-separated seconds). Invalid settings stop the synthesis with a message
 * naming the key, before anything reaches CloudFormation.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { z } from 'zod';
import type { CacheScope } from '../functions/domain/result-cache';
import {
  rateLimitsProblems,
  waterfallSettingsProblems,
  type WaterfallSettings,
} from '../functions/domain/waterfall-settings';
import { ENRICHMENT_TYPES, type EnrichmentType } from '../functions/domain/enrichment-request';
import { REAL_PROVIDERS, REAL_VERIFIERS } from '../functions/providers/catalog';
import { SANDBOX_PROVIDERS } from '../functions/providers/sandbox';
import { MAX_RETRY_DELAY_SECONDS } from '../functions/domain/retry-schedule';

export interface ApiThrottling {
  /** Steady requests per second for the whole stage. */
  rateLimit: number;
  burstLimit: number;
  /** Tighter limits for POST /contacts/enrich/async, the route that starts paid work. */
  acceptRateLimit: number;
  acceptBurstLimit: number;
  /** For POST /contacts/enrich/bulk, whose every request may start up to 100 enrichments. */
  bulkRateLimit: number;
  bulkBurstLimit: number;
}

export interface EnrichmentSettings {
  stackName: string;
  /** Provider order per type, per-provider prices and the email verifier (`WATERFALL_CONFIG`). */
  waterfall: WaterfallSettings;
  /** Days a contact record is kept (DynamoDB TTL), `RETENTION_DAYS`. */
  retentionDays: number;
  /** The longest an enrichment stays pending: the workflow's timeout, after which it is finished anyway. */
  maxEnrichmentSeconds: number;
  /** Per-provider calls per second, deployment-wide (over each provider's documented default). */
  rateLimits: Record<string, { perSecond: number }>;
  /** How long a provider whose circuit opened is skipped before a trial call. */
  providerCooldownSeconds: number;
  /** Days a find is reused for the same person (0: off), and whose finds an account may reuse. */
  resultCacheDays: number;
  resultCacheScope: CacheScope;
  /** Days CloudWatch keeps the logs of every function, the API and the state machine. */
  logRetention: RetentionDays;
  /** Seconds before each webhook retry; undefined keeps the functions' built-in schedule (with jitter). */
  webhookRetrySchedule: number[] | undefined;
  /** Loopback and private webhook targets; link-local ones are refused whatever this says. */
  allowPrivateWebhookTargets: boolean;
  apiThrottling: ApiThrottling;
  /** How long API Gateway reuses the authorizer's answer for one Authorization header. */
  authorizerCacheSeconds: number;
  /** An AWS WAF web ACL in front of the API (body size and per-IP rate rules); it has a monthly cost. */
  webAcl: boolean;
  /** Requests per five minutes one IP address may send before the web ACL answers 429. */
  webAclRateLimitPerIp: number;
  /** Create the account's API Gateway CloudWatch Logs role; false when the account already manages it. */
  apiGatewayCloudWatchRole: boolean;
  /** Where alarm notifications are emailed; without it, subscribe to the alarm topic yourself. */
  alarmEmail: string | undefined;
}

/** Context keys read by this app; anything else in `cdk.json` context belongs to the CDK itself. */
export const SETTING_KEYS = [
  'stackName',
  'waterfall',
  'retentionDays',
  'maxEnrichmentSeconds',
  'rateLimits',
  'providerCooldownSeconds',
  'resultCacheDays',
  'resultCacheScope',
  'logRetentionDays',
  'webhookRetrySchedule',
  'allowPrivateWebhookTargets',
  'apiRateLimit',
  'apiBurstLimit',
  'acceptRateLimit',
  'acceptBurstLimit',
  'bulkRateLimit',
  'bulkBurstLimit',
  'authorizerCacheSeconds',
  'webAcl',
  'webAclRateLimitPerIp',
  'apiGatewayCloudWatchRole',
  'alarmEmail',
] as const;

const fromJsonString = (value: unknown) => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
};

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const flag = z.preprocess(
  (value) => (value === 'true' ? true : value === 'false' ? false : value),
  z.boolean(),
);

/** The same schema the functions validate `WATERFALL_CONFIG` with (functions/domain/waterfall-settings.ts). */
const waterfall = z.preprocess(
  fromJsonString,
  z.custom<WaterfallSettings>().superRefine((value, ctx) => {
    for (const problem of waterfallSettingsProblems(value))
      ctx.addIssue({ code: 'custom', message: problem });
  }),
);

const retrySchedule = z.preprocess(
  (value) =>
    typeof value === 'string' ? value.split(',').filter((part) => part.trim() !== '') : (value ?? undefined),
  z.array(z.coerce.number().int().min(0).max(MAX_RETRY_DELAY_SECONDS)).min(1).optional(),
);

const logRetention = z.coerce
  .number()
  .refine((days) => (Object.values(RetentionDays) as unknown[]).includes(days), {
    message: 'must be one of the retention periods CloudWatch Logs offers (1, 3, 5, 7, 14, 30, 60, 90, …)',
  })
  .transform((days) => days as RetentionDays);

const email = z.preprocess(
  (value) => (value === '' || value === null ? undefined : value),
  z.email().optional(),
);

const schema = z.object({
  stackName: z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/),
  waterfall,
  retentionDays: integer(1, 3650),
  maxEnrichmentSeconds: integer(60, 86_400),
  rateLimits: z.preprocess(
    fromJsonString,
    z.custom<Record<string, { perSecond: number }>>().superRefine((value, ctx) => {
      for (const problem of rateLimitsProblems(value)) ctx.addIssue({ code: 'custom', message: problem });
    }),
  ),
  providerCooldownSeconds: integer(1, 86_400),
  resultCacheDays: integer(0, 3650),
  resultCacheScope: z.enum(['account', 'deployment']),
  logRetentionDays: logRetention,
  webhookRetrySchedule: retrySchedule,
  allowPrivateWebhookTargets: flag,
  apiRateLimit: integer(1, 10_000),
  apiBurstLimit: integer(1, 5_000),
  acceptRateLimit: integer(1, 10_000),
  acceptBurstLimit: integer(1, 5_000),
  bulkRateLimit: integer(1, 1_000),
  bulkBurstLimit: integer(1, 500),
  authorizerCacheSeconds: integer(0, 3600),
  webAcl: flag,
  webAclRateLimitPerIp: integer(10, 2_000_000_000),
  apiGatewayCloudWatchRole: flag,
  alarmEmail: email,
});

/** Names the waterfall can use for `type`: sandbox providers answer every type, real ones what they offer. */
function providersOffering(type: EnrichmentType): Set<string> {
  const real = Object.entries(REAL_PROVIDERS)
    .filter(([, provider]) => provider.types.includes(type))
    .map(([name]) => name);
  return new Set<string>([...SANDBOX_PROVIDERS, ...real]);
}

/** A provider listed under a type it cannot answer would fail every call, so it is refused at synthesis. */
function checkWaterfall(settings: WaterfallSettings): string[] {
  const problems: string[] = [];
  for (const type of ENRICHMENT_TYPES) {
    const offering = providersOffering(type);
    for (const name of settings.order[type]) {
      if (!offering.has(name)) {
        problems.push(
          `waterfall.order.${type}: "${name}" is not a provider of ${type} (known: ${[...offering].join(', ')})`,
        );
      }
    }
  }
  if (settings.verifier !== null && !(settings.verifier in REAL_VERIFIERS)) {
    problems.push(
      `waterfall.verifier: "${settings.verifier}" is not a known verifier (known: ${Object.keys(REAL_VERIFIERS).join(', ')})`,
    );
  }
  return problems;
}

export class InvalidSettingsError extends Error {
  constructor(problems: string[]) {
    super(`Invalid CDK context settings:\n  - ${problems.join('\n  - ')}`);
  }
}

/** Reads and checks every setting from the context of `node` (normally the app's). */
export function settingsFromContext(node: Node): EnrichmentSettings {
  const raw = Object.fromEntries(SETTING_KEYS.map((key) => [key, node.tryGetContext(key) as unknown]));
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new InvalidSettingsError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  const value = parsed.data;
  const waterfallProblems = checkWaterfall(value.waterfall);
  if (waterfallProblems.length) throw new InvalidSettingsError(waterfallProblems);
  return {
    stackName: value.stackName,
    waterfall: value.waterfall,
    retentionDays: value.retentionDays,
    maxEnrichmentSeconds: value.maxEnrichmentSeconds,
    rateLimits: value.rateLimits,
    providerCooldownSeconds: value.providerCooldownSeconds,
    resultCacheDays: value.resultCacheDays,
    resultCacheScope: value.resultCacheScope,
    logRetention: value.logRetentionDays,
    webhookRetrySchedule: value.webhookRetrySchedule,
    allowPrivateWebhookTargets: value.allowPrivateWebhookTargets,
    apiThrottling: {
      rateLimit: value.apiRateLimit,
      burstLimit: value.apiBurstLimit,
      acceptRateLimit: value.acceptRateLimit,
      acceptBurstLimit: value.acceptBurstLimit,
      bulkRateLimit: value.bulkRateLimit,
      bulkBurstLimit: value.bulkBurstLimit,
    },
    authorizerCacheSeconds: value.authorizerCacheSeconds,
    webAcl: value.webAcl,
    webAclRateLimitPerIp: value.webAclRateLimitPerIp,
    apiGatewayCloudWatchRole: value.apiGatewayCloudWatchRole,
    alarmEmail: value.alarmEmail,
  };
}
