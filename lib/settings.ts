/**
 * The deployment's settings, read from CDK context (`cdk.json`, `cdk deploy -c key=value`) over the defaults of
 * the one settings schema, `functions/settings.ts`. Values given with `-c` arrive as strings, so every setting also accepts its string form
 * (`true`, `30`, a JSON object, comma-separated seconds). Invalid settings stop the synthesis with a message
 * naming the key, before anything reaches CloudFormation.
 */
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import type { CacheScope } from '../functions/domain/enrichment/result-cache';
import type { WaterfallSettings } from '../functions/domain/enrichment/waterfall-settings';
import { parseSettings, type Settings } from '../functions/settings';
import { ENRICHMENT_TYPES, type EnrichmentType } from '../functions/domain/enrichment/enrichment-request';
import { REAL_PROVIDERS, REAL_VERIFIERS } from '../functions/providers/catalog';
import { SANDBOX_PROVIDERS } from '../functions/providers/sandbox';

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
  /** Every setting by its name in the one schema: what the functions' environments are made from. */
  values: Settings;
}

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

/**
 * Reads and checks every setting from the context of `node` (normally the app's) with the one settings schema
 * (`functions/settings.ts`): a setting absent from the context takes the schema's default.
 */
export function settingsFromContext(node: Node): EnrichmentSettings {
  const { settings: value, problems } = parseSettings((name) => node.tryGetContext(name) as unknown);
  if (problems.length) throw new InvalidSettingsError(problems);
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
    logRetention: value.logRetentionDays as RetentionDays,
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
    values: value,
  };
}
