/**
 * The one configuration loader. Every setting a function needs comes from its environment (CDK sets it in AWS,
 * the local stack and tests set it locally); defaults are those a fresh local stack wants.
 */
import type { EnrichmentType } from './domain/enrichment-request';
import { DEFAULT_PRICES } from './domain/pricing';

export interface WaterfallSettings {
  /** Provider names in the order the waterfall asks them, per type. */
  order: Record<EnrichmentType, string[]>;
  /** Per-provider credit prices; a type missing here costs `DEFAULT_PRICES[type]`. */
  prices: Record<string, Partial<Record<EnrichmentType, number>>>;
  /** The email verifier asked about found emails their finder did not verify, if any. */
  verifier: string | null;
}

export const SANDBOX_WATERFALL: WaterfallSettings = {
  order: {
    email: ['sandbox-primary', 'sandbox-secondary'],
    phone: ['sandbox-primary', 'sandbox-secondary'],
    personal_email: ['sandbox-primary', 'sandbox-secondary'],
  },
  prices: {},
  verifier: null,
};

export interface Config {
  tableName: string;
  dynamoEndpoint: string | undefined;
  region: string | undefined;
  stateMachineArn: string;
  webhookQueueUrl: string;
  /** The webhook dead-letter queue: early give-ups go there, and the operator redrives from it. */
  webhookDeadLetterQueueUrl: string | undefined;
  allowPrivateWebhookTargets: boolean;
  retentionDays: number;
  waterfall: WaterfallSettings;
  /** Secrets Manager secret holding `{ "<provider>": "<api key>" }` (AWS); absent locally. */
  providerSecretId: string | undefined;
  /** `WEBHOOK_RETRY_SCHEDULE`: seconds before each retry; undefined means the built-in schedule. */
  webhookRetrySchedule: number[] | undefined;
}

function parseList(value: string | undefined): number[] | undefined {
  if (!value) return undefined;
  const seconds = value.split(',').map((part) => Number(part.trim()));
  if (!seconds.every((n) => Number.isFinite(n) && n >= 0)) {
    throw new Error(`WEBHOOK_RETRY_SCHEDULE must be comma-separated seconds, got "${value}"`);
  }
  return seconds;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    tableName: env.TABLE_NAME ?? '',
    dynamoEndpoint: env.DYNAMODB_ENDPOINT || undefined,
    region: env.AWS_REGION,
    stateMachineArn: env.STATE_MACHINE_ARN ?? '',
    webhookQueueUrl: env.WEBHOOK_QUEUE_URL ?? '',
    webhookDeadLetterQueueUrl: env.WEBHOOK_DLQ_URL || undefined,
    allowPrivateWebhookTargets: env.ALLOW_PRIVATE_WEBHOOK_TARGETS === 'true',
    retentionDays: Number(env.RETENTION_DAYS ?? 90),
    waterfall: env.WATERFALL_CONFIG
      ? (JSON.parse(env.WATERFALL_CONFIG) as WaterfallSettings)
      : SANDBOX_WATERFALL,
    providerSecretId: env.PROVIDER_SECRET_ID || undefined,
    webhookRetrySchedule: parseList(env.WEBHOOK_RETRY_SCHEDULE),
  };
}

export function priceOf(settings: WaterfallSettings) {
  return (type: EnrichmentType, provider: string): number =>
    settings.prices[provider]?.[type] ?? DEFAULT_PRICES[type];
}

export function providersFor(settings: WaterfallSettings) {
  return (type: EnrichmentType): readonly string[] => settings.order[type] ?? [];
}
