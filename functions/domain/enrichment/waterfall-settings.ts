/**
 * The waterfall's configuration: which providers each type asks, in order, their prices and the email
 * verifier. One schema validates it wherever it comes from: the `waterfall` CDK setting at synthesis and the
 * `WATERFALL_CONFIG` environment variable the functions and the local stack read.
 */
import * as z from 'zod/mini';
import { ENRICHMENT_TYPES, type EnrichmentType } from './enrichment-request';

const providerName = z.string().check(z.minLength(1));
const price = z.int().check(z.minimum(0));

export const waterfallSettingsSchema = z.strictObject({
  order: z.strictObject({
    email: z.array(providerName),
    phone: z.array(providerName),
    personal_email: z.array(providerName),
  }),
  prices: z.record(z.string(), z.partialRecord(z.enum(ENRICHMENT_TYPES), price)),
  verifier: z.nullable(providerName),
});

export type WaterfallSettings = z.infer<typeof waterfallSettingsSchema>;

/** The keyless sandbox providers, in every type: the local stack's and the tests' default. */
export const SANDBOX_WATERFALL: WaterfallSettings = {
  order: {
    email: ['sandbox-primary', 'sandbox-secondary'],
    phone: ['sandbox-primary', 'sandbox-secondary'],
    personal_email: ['sandbox-primary', 'sandbox-secondary'],
  },
  prices: {},
  verifier: null,
};

/** Per-provider rate limits (`rateLimits`, `RATE_LIMITS`): `{ "hunter": { "perSecond": 10 } }`. */
export const rateLimitsSchema = z.record(
  z.string().check(z.minLength(1)),
  z.strictObject({ perSecond: z.number().check(z.positive(), z.maximum(10_000)) }),
);

function problemsOf(schema: z.ZodMiniType, value: unknown): string[] {
  const parsed = schema.safeParse(value);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
}

/** Problems of a candidate configuration, each as `path: message`; empty when it is valid. */
export function waterfallSettingsProblems(value: unknown): string[] {
  return problemsOf(waterfallSettingsSchema, value);
}

export function rateLimitsProblems(value: unknown): string[] {
  return problemsOf(rateLimitsSchema, value);
}

/** The configured provider order of one type. */
export function providersOf(settings: WaterfallSettings, type: EnrichmentType): readonly string[] {
  return settings.order[type] ?? [];
}

/** A request's own provider order per type (`providers`), where it gives one. */
export type ProviderChoice = Partial<Record<EnrichmentType, string[]>> | null | undefined;

/** The providers a type asks, in order: the request's own list for the type, else the deployment's. */
export function providerOrder(
  settings: WaterfallSettings,
  type: EnrichmentType,
  chosen: ProviderChoice,
): readonly string[] {
  return chosen?.[type] ?? providersOf(settings, type);
}
