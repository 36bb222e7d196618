/**
 * The schemas of the document's components. Request bodies are the very zod schemas that validate requests,
 * converted to JSON Schema; responses are the zod schemas below, each checked at compile time against the type
 * the handlers answer with.
 */
import * as z from 'zod/mini';
import type { Credits } from '../domain/credits/credits';
import { MAX_BATCH_CONTACTS, type BatchAcceptedResponse, type BatchView } from '../domain/batches/batch';
import type { AcceptedResponse, ContactView, WebhookView } from '../domain/enrichment/contact';
import type { Estimate } from '../domain/enrichment/estimate-enrichment';
import { ENRICHMENT_TYPES, buildSchema } from '../domain/enrichment/enrichment-request';
import { ERROR_CODES, type ErrorBody } from '../domain/errors';
import { ID_PATTERN } from '../domain/ids';
import { LEDGER_KINDS, type LedgerPage } from '../domain/credits/ledger';
import { MAX_CUSTOM_BYTES } from '../domain/limits';
import {
  EMAIL_FEEDBACK_OUTCOMES,
  feedbackRequestSchema,
  PHONE_FEEDBACK_OUTCOMES,
} from '../domain/feedback/feedback-request';
import type { ResentWebhook } from '../domain/webhooks/resend-webhook';
import type { AccountUsage } from '../domain/usage/account-usage';

export type Json = Record<string, unknown>;

/** A reference to one of the schemas below, by its component name. */
export const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

// Response schemas ----------------------------------------------------------------------------------------

const enrichmentId = z.string().check(z.regex(ID_PATTERN), z.describe('An enrichment id (a ULID).'));
const dateTime = z.iso.datetime();
const count = z.int().check(z.gte(0));
const custom = z
  .record(z.string(), z.unknown())
  .check(z.describe('Echoed back as sent; `{}` when none was.'));

const ErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string().check(z.describe('A sentence for a person; never internal detail.')),
  errors: z.optional(
    z
      .array(z.object({ path: z.string(), message: z.string() }))
      .check(z.describe('Only on validation failures: one entry per offending field.')),
  ),
});

const AcceptedSchema = z.object({
  enrichment_id: enrichmentId,
  firstname: z.string(),
  lastname: z.string(),
  status: z.literal('pending'),
  custom,
});

const EmailResultSchema = z.object({
  value: z.string(),
  status: z.enum(['valid', 'catch_all']),
  provider: z.string(),
});

const PhoneResultSchema = z.object({
  number: z.string().check(z.describe('E.164.')),
  country: z.string().check(z.describe('ISO 3166-1 alpha-2.')),
  type: z.enum(['mobile', 'landline', 'voip', 'unknown']),
  provider: z.string(),
});

const ResultsSchema = z.object({
  email: z.optional(z.nullable(EmailResultSchema)),
  phones: z.optional(z.array(PhoneResultSchema)),
  personal_email: z.optional(z.nullable(EmailResultSchema)),
});

const WaterfallStepSchema = z.object({
  type: z.enum(ENRICHMENT_TYPES),
  provider: z.string(),
  outcome: z.enum(['found', 'not_found', 'rejected', 'error']),
  duration_ms: count,
  detail: z.nullable(z.string()),
});

const WebhookDeliverySchema = z.object({
  attempt: z.int().check(z.gte(1), z.describe('Counts every attempt of this webhook, resends included.')),
  at: dateTime,
  response_status: z.nullable(z.int()).check(z.describe('null when no response came.')),
  duration_ms: count,
  error: z.nullable(z.string()).check(z.describe('Why no response came (`timeout`, …); null when one did.')),
});

const WebhookStateSchema = z.object({
  url: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: count,
  last_attempt_at: z.nullable(dateTime),
  last_response_status: z.nullable(z.int()),
  deliveries: z
    .array(WebhookDeliverySchema)
    .check(z.describe('The most recent attempts (up to 20), oldest first.')),
});

const feedbackEntry = <Outcome extends string>(outcomes: readonly [Outcome, ...Outcome[]]) => ({
  outcome: z.enum(outcomes),
  at: dateTime.check(z.describe('When this outcome was first reported.')),
});

const FeedbackSchema = z.object({
  email: z.optional(z.object(feedbackEntry(EMAIL_FEEDBACK_OUTCOMES))),
  personal_email: z.optional(z.object(feedbackEntry(EMAIL_FEEDBACK_OUTCOMES))),
  phones: z.optional(
    z
      .array(z.object({ number: z.string(), ...feedbackEntry(PHONE_FEEDBACK_OUTCOMES) }))
      .check(z.describe('The numbers reported on, in the order of `results.phones`.')),
  ),
});

const ContactSchema = z.object({
  enrichment_id: enrichmentId,
  status: z.enum(['pending', 'finished']),
  firstname: z.string(),
  lastname: z.string(),
  company_name: z.nullable(z.string()),
  domain: z.nullable(z.string()),
  linkedin_url: z.nullable(z.string()),
  enrichment_type: z.array(z.enum(ENRICHMENT_TYPES)),
  phone_country_codes: z.nullable(z.array(z.string())),
  providers: z
    .nullable(z.partialRecord(z.enum(ENRICHMENT_TYPES), z.array(z.string())))
    .check(z.describe("The request's own provider order per type, or null for the deployment's.")),
  max_credits: z.nullable(count).check(z.describe('The most this enrichment may be charged, or null.')),
  accept_catch_all: z
    .nullable(z.boolean())
    .check(z.describe('false: catch-all emails were refused; null or true: accepted.')),
  custom,
  created_at: dateTime,
  finished_at: z.nullable(dateTime),
  results: z
    .nullable(ResultsSchema)
    .check(
      z.describe('null while pending; then the requested types only (a type not found is null, phones [])'),
    ),
  feedback: z
    .nullable(FeedbackSchema)
    .check(
      z.describe(
        'The latest outcome reported of each result (POST /contacts/{id}/feedback); null until the first.',
      ),
    ),
  credits_used: count,
  credits_refunded: count.check(
    z.describe('Credits given back for results reported bad (bounced, wrong numbers); 0 before any.'),
  ),
  waterfall: z
    .array(WaterfallStepSchema)
    .check(z.describe('Every provider step taken, in the order they ended.')),
  webhook: z.optional(WebhookStateSchema).check(z.describe('Only when a webhook_url was given.')),
});

const CreditsSchema = z.object({ balance: count, reserved: count, available: count });

const LedgerPageSchema = z.object({
  entries: z.array(
    z.object({
      at: dateTime,
      kind: z.enum(LEDGER_KINDS),
      balance_delta: z.int(),
      reserved_delta: z.int(),
      enrichment_id: z.nullable(enrichmentId),
    }),
  ),
  next_cursor: z
    .nullable(z.string())
    .check(z.describe('Pass as `cursor` for the next page; null on the last.')),
});

const day = z.iso.date().check(z.describe('A UTC day, YYYY-MM-DD.'));

const TypeUsageSchema = z.object({
  requested: count.check(z.describe('Enrichments that asked for this type.')),
  found: count,
  credits: count.check(z.describe('Charged for this type: the sum of `by_provider` credits.')),
  by_provider: z
    .record(z.string(), z.object({ found: count, credits: count }))
    .check(z.describe('Per provider that found it; `cache` for results reused from the results cache.')),
});

const UsageSchema = z.object({
  from: day,
  to: day,
  enrichments: count.check(z.describe('Enrichments that finished in those days.')),
  credits_charged: count.check(z.describe('The sum of their `charge` ledger entries.')),
  credits_refunded: count.check(z.describe('The sum of `refund` ledger entries made in those days.')),
  types: z.object({ email: TypeUsageSchema, phone: TypeUsageSchema, personal_email: TypeUsageSchema }),
});

const ResentWebhookSchema = z.object({ enrichment_id: enrichmentId, webhook: WebhookStateSchema });

const batchId = z.string().check(z.regex(ID_PATTERN), z.describe('A batch id (a ULID).'));

const BatchAcceptedSchema = z.object({
  batch_id: batchId,
  status: z.literal('pending'),
  custom,
  contacts: z.array(AcceptedSchema).check(z.describe('In request order.')),
});

const BatchSchema = z.object({
  batch_id: batchId,
  status: z.enum(['pending', 'finished']),
  custom,
  created_at: dateTime,
  finished_at: z.nullable(dateTime),
  counts: z.object({ total: count, pending: count, finished: count }),
  credits_used: count,
  contacts: z
    .array(ContactSchema)
    .check(z.describe('Each as GET /contacts/{id} answers it, in request order.')),
});

const TypeEstimateSchema = z.object({
  worst_case_credits: count,
  providers: z
    .array(z.string())
    .check(z.describe('The order the waterfall would ask, `cache` first whenever the cache is consulted.')),
});

const ContactEstimateSchema = z.object({
  worst_case_credits: count.check(
    z.describe('What accepting the contact would reserve (max_credits applied).'),
  ),
  types: z.partialRecord(z.enum(ENRICHMENT_TYPES), TypeEstimateSchema),
});

const EstimateSchema = z.object({
  worst_case_credits: count,
  available: z.int(),
  sufficient: z.boolean().check(z.describe('available >= worst_case_credits')),
  contacts: z
    .array(ContactEstimateSchema)
    .check(z.describe('One per contact (one for a single body), in order.')),
});

// The schemas describe exactly what the handlers answer: a field added to one side and not the other stops
// the build here, before a response could drift from the document.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type ResponseSchemasMatchTheirTypes = Assert<
  [
    Same<z.output<typeof ContactSchema>, ContactView>,
    Same<z.output<typeof WebhookStateSchema>, WebhookView>,
    Same<z.output<typeof AcceptedSchema>, AcceptedResponse>,
    Same<z.output<typeof CreditsSchema>, Credits>,
    Same<z.output<typeof LedgerPageSchema>, LedgerPage>,
    Same<z.output<typeof UsageSchema>, AccountUsage>,
    Same<z.output<typeof ResentWebhookSchema>, ResentWebhook>,
    Same<z.output<typeof BatchAcceptedSchema>, BatchAcceptedResponse>,
    Same<z.output<typeof EstimateSchema>, Estimate>,
    Same<z.output<typeof BatchSchema>, BatchView>,
    Same<z.output<typeof ErrorSchema>, ErrorBody>,
  ] extends true[]
    ? true
    : false
>;

// Request schemas -----------------------------------------------------------------------------------------

/** What each request field means; the schema says its type and bounds. */
export const REQUEST_FIELD_DOCS: Record<string, string> = {
  firstname: 'Required, 1–100 characters after trimming.',
  lastname: 'Required, 1–100 characters after trimming.',
  enrichment_type: 'What to find: 1–3 distinct types.',
  company_name: 'At most 200 characters; blank counts as absent. `email` needs it or `domain`.',
  domain:
    'A hostname; `https://www.Acme.com/about` is normalised to `acme.com`. `email` needs it or `company_name`.',
  linkedin_url:
    'A LinkedIn profile URL (`linkedin.com/in/<slug>`, any scheme, `www` or a two-letter country subdomain, ' +
    'trailing slash or query), normalised to `https://www.linkedin.com/in/<slug>`. The slug is 3 to 100 letters, ' +
    'digits, `-`, `_` or %-escapes. `phone` and `personal_email` need it.',
  webhook_url:
    'Absolute `https` URL, at most 2048 characters, POSTed the record when the enrichment finishes. Targets that ' +
    'are loopback, private (unless the deployment allows them), link-local, unspecified or multicast addresses are ' +
    'refused with 400 (`must not target a … address`).',
  phone_country_codes:
    "1–250 distinct ISO 3166-1 alpha-2 codes (any case, returned upper-case); the account's defaults when absent.",
  custom: `Any JSON object up to ${MAX_CUSTOM_BYTES} bytes serialised (UTF-8), echoed back as sent, every key kept (\`__proto__\` and \`constructor\` included).`,
  use_cache: 'false: ask the providers even when the same person was found recently.',
  providers:
    'This request\'s own provider order per requested type, e.g. `{"email": ["prospeo", "hunter"]}`: ' +
    "each name a provider the deployment's waterfall configures for that type (else 400 naming " +
    '`providers.email[1]`), each key a requested type (else 400 naming `providers.phone`). The results cache ' +
    '(unless `use_cache` is false), the suppression list and the verifier still apply.',
  max_credits:
    'The most this enrichment may be charged (0–100000). The reservation is the smaller of the worst case and ' +
    'this; before asking a provider, a type holds its price out of what is left after the other types; a step ' +
    'that does not fit is skipped (`skipped: over max_credits`) and a cheaper provider may still fit.',
  accept_catch_all:
    'false: an email or personal email whose verdict is `catch_all` is refused (`catch_all not accepted`), costs ' +
    'nothing, and the waterfall goes on. Default true.',
};

function requestSchemas() {
  const single = buildSchema({ allowPrivateTargets: false });
  // The bulk route checks each contact exactly as the single route, and the batch's own fields by its rules.
  const bulk = z.strictObject({
    contacts: z.array(single).check(z.minLength(1), z.maxLength(MAX_BATCH_CONTACTS)),
    webhook_url: single.shape.webhook_url,
    custom: single.shape.custom,
  });
  return { single, bulk };
}

// As components -------------------------------------------------------------------------------------------

/** Removes what JSON Schema output carries that an OpenAPI component does not need. */
function componentSchema(schema: Json): Json {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

function toJsonSchemas(schemas: Record<string, z.ZodMiniType>, io: 'input' | 'output'): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) schema.register(registry, { id });
  const { schemas: converted } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'throw',
    uri: (id) => `#/components/schemas/${id}`,
    override: ({ jsonSchema }) => {
      // The ISO date-time regex and the safe-integer bounds say nothing a reader needs.
      if (jsonSchema.format === 'date-time') delete jsonSchema.pattern;
      if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
      if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
    },
  });
  return Object.fromEntries(
    Object.entries(converted).map(([id, schema]) => [id, componentSchema(schema as Json)]),
  );
}

function documentRequestFields(schema: Json): Json {
  const properties = schema.properties as Record<string, Json>;
  for (const [field, description] of Object.entries(REQUEST_FIELD_DOCS)) {
    if (properties[field]) properties[field] = { description, ...properties[field] };
  }
  return schema;
}

/** Every schema the document's operations and webhooks refer to, by component name. */
export function componentSchemas(): Record<string, Json> {
  const { single, bulk } = requestSchemas();
  const requests = toJsonSchemas(
    { EnrichmentRequest: single, BulkEnrichmentRequest: bulk, FeedbackRequest: feedbackRequestSchema },
    'input',
  );
  documentRequestFields(requests.EnrichmentRequest!);
  // At least one key: a rule on the object the zod schema checks after parsing, stated here for clients.
  requests.FeedbackRequest = { ...requests.FeedbackRequest, minProperties: 1 };
  const responses = toJsonSchemas(
    {
      Error: ErrorSchema,
      Accepted: AcceptedSchema,
      Contact: ContactSchema,
      WebhookState: WebhookStateSchema,
      WebhookDelivery: WebhookDeliverySchema,
      Results: ResultsSchema,
      Feedback: FeedbackSchema,
      EmailResult: EmailResultSchema,
      PhoneResult: PhoneResultSchema,
      WaterfallStep: WaterfallStepSchema,
      Credits: CreditsSchema,
      LedgerPage: LedgerPageSchema,
      Usage: UsageSchema,
      ResentWebhook: ResentWebhookSchema,
      BatchAccepted: BatchAcceptedSchema,
      Batch: BatchSchema,
      Estimate: EstimateSchema,
    },
    'output',
  );
  // The estimate takes either body, exactly as the route it mirrors.
  const estimateRequest = {
    type: 'object',
    description:
      'A body of `POST /contacts/enrich/async`, or of `POST /contacts/enrich/bulk` (a `contacts` list).',
    anyOf: [ref('EnrichmentRequest'), ref('BulkEnrichmentRequest')],
  };
  return { ...requests, EstimateRequest: estimateRequest, ...responses };
}
