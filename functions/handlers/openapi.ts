/**
 * The OpenAPI 3.1 document of the API (served at GET /openapi.json, rendered at GET /docs, committed as
 * `openapi.json`; `npm run openapi` rewrites the file). Request bodies are the very zod schemas that validate
 * requests, converted to JSON Schema; responses are the zod schemas below, each checked at compile time against
 * the type the handlers answer with; errors and their examples come from the error classes themselves.
 */
import * as z from 'zod/mini';
import type { Credits } from '../domain/accounts';
import { MAX_BATCH_CONTACTS, type BatchAcceptedResponse, type BatchView } from '../domain/batch';
import type { ContactView, WebhookView } from '../domain/contact';
import { ENRICHMENT_TYPES, buildSchema } from '../domain/enrichment-request';
import {
  ConsentRequiredError,
  IdempotencyConflictError,
  InsufficientCreditsError,
  InternalError,
  InvalidJsonError,
  InvalidStateError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
  toErrorBody,
  type ErrorBody,
  type ErrorCode,
} from '../domain/errors';
import { ID_PATTERN } from '../domain/ids';
import { LEDGER_KINDS, LEDGER_PAGE_LIMITS, ledgerQuerySchema, type LedgerPage } from '../domain/ledger';
import { MAX_BODY_BYTES, MAX_CUSTOM_BYTES } from '../domain/limits';
import type { AcceptedResponse } from '../domain/ports';
import type { ResentWebhook } from '../domain/resend-webhook';

export const OPENAPI_VERSION = '3.1.1';

/** Redoc's bundle, which the reference page loads from `docs/assets/` relative to the API's base URL. */
export const RENDERER_SCRIPT_NAME = 'redoc.standalone.js';
export const API_REFERENCE_SCRIPT = `docs/assets/${RENDERER_SCRIPT_NAME}`;

// Response schemas ----------------------------------------------------------------------------------------

const ERROR_CODES = [
  'invalid_json',
  'validation_error',
  'unauthorized',
  'insufficient_credits',
  'not_found',
  'idempotency_conflict',
  'invalid_state',
  'payload_too_large',
  'unsupported_media_type',
  'consent_required',
  'rate_limited',
  'internal_error',
] as const satisfies readonly ErrorCode[];

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
  custom,
  created_at: dateTime,
  finished_at: z.nullable(dateTime),
  results: z
    .nullable(ResultsSchema)
    .check(
      z.describe('null while pending; then the requested types only (a type not found is null, phones [])'),
    ),
  credits_used: count,
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
    Same<z.output<typeof ResentWebhookSchema>, ResentWebhook>,
    Same<z.output<typeof BatchAcceptedSchema>, BatchAcceptedResponse>,
    Same<z.output<typeof BatchSchema>, BatchView>,
    Same<z.output<typeof ErrorSchema>, ErrorBody>,
    Same<(typeof ERROR_CODES)[number], ErrorCode>,
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
    'A LinkedIn profile URL (`linkedin.com/in/<slug>`, any scheme, `www`, trailing slash or query), normalised to ' +
    '`https://www.linkedin.com/in/<slug>`. `phone` and `personal_email` need it.',
  webhook_url:
    'Absolute `https` URL, at most 2048 characters, POSTed the record when the enrichment finishes. Loopback, ' +
    'private, link-local, unspecified and multicast targets are refused.',
  phone_country_codes:
    "1–250 distinct ISO 3166-1 alpha-2 codes (any case, returned upper-case); the account's defaults when absent.",
  custom: `Any JSON object up to ${MAX_CUSTOM_BYTES} bytes serialised, echoed back as sent.`,
  use_cache: 'false: ask the providers even when the same person was found recently.',
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

// Examples ------------------------------------------------------------------------------------------------

const EXAMPLE_ID = '01K9ZQ3W8D6X4V2N7C5B1M0HJT';
const EXAMPLE_BATCH_ID = '01K9ZQ3W8C2R7T5Y9V3H1N0PAS';
const EXAMPLE_AT = '2026-11-02T09:30:00.000Z';
const EXAMPLE_FINISHED_AT = '2026-11-02T09:30:01.250Z';

const EXAMPLE_REQUEST = {
  firstname: 'Jane',
  lastname: 'Doe',
  domain: 'acme.com',
  linkedin_url: 'https://www.linkedin.com/in/jane-doe',
  enrichment_type: ['email', 'phone'],
  phone_country_codes: ['FR'],
  webhook_url: 'https://crm.example.com/hooks/enrichment',
  custom: { crm_id: '42' },
};

const EXAMPLE_ACCEPTED: AcceptedResponse = {
  enrichment_id: EXAMPLE_ID,
  firstname: 'Jane',
  lastname: 'Doe',
  status: 'pending',
  custom: { crm_id: '42' },
};

const EXAMPLE_WEBHOOK: WebhookView = {
  url: 'https://crm.example.com/hooks/enrichment',
  status: 'delivered',
  attempts: 2,
  last_attempt_at: '2026-11-02T09:31:02.000Z',
  last_response_status: 200,
  deliveries: [
    { attempt: 1, at: '2026-11-02T09:30:01.400Z', response_status: 503, duration_ms: 48, error: null },
    { attempt: 2, at: '2026-11-02T09:31:02.000Z', response_status: 200, duration_ms: 35, error: null },
  ],
};

const EXAMPLE_CONTACT: ContactView = {
  enrichment_id: EXAMPLE_ID,
  status: 'finished',
  firstname: 'Jane',
  lastname: 'Doe',
  company_name: null,
  domain: 'acme.com',
  linkedin_url: 'https://www.linkedin.com/in/jane-doe',
  enrichment_type: ['email', 'phone'],
  phone_country_codes: ['FR'],
  custom: { crm_id: '42' },
  created_at: EXAMPLE_AT,
  finished_at: EXAMPLE_FINISHED_AT,
  results: {
    email: { value: 'jane.doe@acme.com', status: 'valid', provider: 'hunter' },
    phones: [{ number: '+33612345678', country: 'FR', type: 'mobile', provider: 'prospeo' }],
  },
  credits_used: 11,
  waterfall: [
    { type: 'email', provider: 'hunter', outcome: 'found', duration_ms: 412, detail: null },
    { type: 'phone', provider: 'prospeo', outcome: 'not_found', duration_ms: 380, detail: null },
    { type: 'phone', provider: 'contactout', outcome: 'found', duration_ms: 655, detail: null },
  ],
  webhook: EXAMPLE_WEBHOOK,
};

/** The webhook body: the record as it stood at finish. */
const EXAMPLE_WEBHOOK_BODY: ContactView = {
  ...EXAMPLE_CONTACT,
  webhook: {
    ...EXAMPLE_WEBHOOK,
    status: 'pending',
    attempts: 0,
    last_attempt_at: null,
    last_response_status: null,
    deliveries: [],
  },
};

const EXAMPLE_BATCH = {
  batch_id: EXAMPLE_BATCH_ID,
  status: 'finished',
  custom: { import: 'november' },
  created_at: EXAMPLE_AT,
  finished_at: EXAMPLE_FINISHED_AT,
  counts: { total: 1, pending: 0, finished: 1 },
  credits_used: 11,
  contacts: [{ ...EXAMPLE_CONTACT, custom: {}, webhook: undefined }],
};

const EXAMPLE_LEDGER: LedgerPage = {
  entries: [
    {
      at: EXAMPLE_FINISHED_AT,
      kind: 'charge',
      balance_delta: -11,
      reserved_delta: 0,
      enrichment_id: EXAMPLE_ID,
    },
    {
      at: EXAMPLE_FINISHED_AT,
      kind: 'release',
      balance_delta: 0,
      reserved_delta: -11,
      enrichment_id: EXAMPLE_ID,
    },
    { at: EXAMPLE_AT, kind: 'reserve', balance_delta: 0, reserved_delta: 11, enrichment_id: EXAMPLE_ID },
    {
      at: '2026-11-01T08:00:00.000Z',
      kind: 'grant',
      balance_delta: 1000,
      reserved_delta: 0,
      enrichment_id: null,
    },
  ],
  next_cursor: null,
};

// Building blocks -----------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

const json = (schemaId: string, example: unknown) => ({
  'application/json': { schema: ref(schemaId), example },
});

const ERROR_EXAMPLES: Record<ErrorCode, Error> = {
  invalid_json: new InvalidJsonError(),
  validation_error: new ValidationError(
    [{ path: 'linkedin_url', message: 'must be a LinkedIn profile URL (linkedin.com/in/<slug>)' }],
    'The request is invalid.',
  ),
  unauthorized: new UnauthorizedError(),
  insufficient_credits: new InsufficientCreditsError(11, 4),
  not_found: new NotFoundError('No enrichment with this id.'),
  idempotency_conflict: new IdempotencyConflictError(),
  invalid_state: new InvalidStateError(
    'This enrichment is still pending: its webhook is sent when it finishes.',
  ),
  payload_too_large: new PayloadTooLargeError(MAX_BODY_BYTES),
  unsupported_media_type: new UnsupportedMediaTypeError(),
  consent_required: new ConsentRequiredError(),
  rate_limited: new RateLimitedError(),
  internal_error: new InternalError(),
};

const STATUS_TEXT: Record<number, string> = {
  400: 'The request is malformed or invalid; `errors` names each offending field',
  401: 'Missing, malformed, unknown or revoked API key',
  402: 'The available credits do not cover the worst case',
  404: 'No such resource for this account (another account’s id answers the same)',
  409: 'Conflict',
  413: 'The body is too large',
  415: 'The body is not sent as application/json',
  422: 'The account has not consented to personal email enrichment',
  429: 'Throttled: retry later',
};

/** Error responses, grouped by status, each code with an example taken from its error class. */
function errors(...codes: ErrorCode[]): Json {
  const byStatus = new Map<string, Json>();
  for (const code of codes) {
    const { status, body } = toErrorBody(ERROR_EXAMPLES[code]);
    const key = status >= 500 ? '5XX' : String(status);
    const examples = (byStatus.get(key) ?? {}) as Record<string, { value: unknown }>;
    examples[code] = { value: body };
    byStatus.set(key, examples);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, examples]) => [
      status,
      {
        description: STATUS_TEXT[Number(status)] ?? 'An internal error (500, or 502 from the gateway)',
        ...(status === '429' ? { headers: { 'Retry-After': RETRY_AFTER } } : {}),
        content: { 'application/json': { schema: ref('Error'), examples } },
      },
    ]),
  );
}

const RETRY_AFTER = {
  description: 'Seconds to wait before asking again.',
  schema: { type: 'integer', minimum: 0 },
};

const AUTHORIZED_ERRORS = ['unauthorized', 'rate_limited', 'internal_error'] as const;
const BODY_ERRORS = [
  'invalid_json',
  'validation_error',
  'payload_too_large',
  'unsupported_media_type',
] as const;

const idParameter = (what: string) => ({
  name: 'id',
  in: 'path',
  required: true,
  description: what,
  schema: { type: 'string' },
  example: EXAMPLE_ID,
});

const IDEMPOTENCY_KEY = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Repeating a request with the same key and body within 24 h answers the first response and starts nothing; ' +
    'the same key with another body is 409 idempotency_conflict.',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
};

const WEBHOOK_HEADERS = [
  {
    name: 'webhook-id',
    in: 'header',
    required: true,
    description: 'Stable across every attempt and resend of one webhook: deduplicate on it.',
    schema: { type: 'string' },
    example: `msg_${EXAMPLE_ID}`,
  },
  {
    name: 'webhook-timestamp',
    in: 'header',
    required: true,
    description: 'Unix seconds of this attempt.',
    schema: { type: 'string', pattern: '^[0-9]+$' },
    example: '1793611801',
  },
  {
    name: 'webhook-signature',
    in: 'header',
    required: true,
    description:
      '`v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>">` with the account\'s `whsec_…` ' +
      'secret (Standard Webhooks); verify it with the `standardwebhooks` library.',
    schema: { type: 'string' },
    example: 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
  },
];

const WEBHOOK_RESPONSES = {
  '2XX': { description: 'Delivered: any 2xx within 10 s.' },
  '410': { description: 'Gone: no more attempts.' },
  default: {
    description:
      'Anything else (or no answer within 10 s) is retried with backoff, at least 8 attempts over at least 24 h; ' +
      '`Retry-After` is honoured on 429 and 503.',
  },
};

const PUBLIC = { security: [] as unknown[] };

// The document --------------------------------------------------------------------------------------------

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

function ledgerParameters(): Json[] {
  const schema = z.toJSONSchema(ledgerQuerySchema, { target: 'draft-2020-12', io: 'output' }) as Json;
  const properties = schema.properties as Record<string, Json>;
  return [
    {
      name: 'limit',
      in: 'query',
      required: false,
      description: `Entries per page, 1–${LEDGER_PAGE_LIMITS.max}.`,
      schema: {
        ...properties.limit,
        minimum: 1,
        maximum: LEDGER_PAGE_LIMITS.max,
        default: LEDGER_PAGE_LIMITS.default,
      },
    },
    {
      name: 'cursor',
      in: 'query',
      required: false,
      description: 'The `next_cursor` of the previous page; opaque. Anything else answers 400.',
      schema: properties.cursor,
    },
  ];
}

export type OpenApiDocument = Json & { paths: Record<string, Json>; webhooks: Record<string, Json> };

export function buildOpenApiDocument(): OpenApiDocument {
  const { single, bulk } = requestSchemas();
  const requests = toJsonSchemas({ EnrichmentRequest: single, BulkEnrichmentRequest: bulk }, 'input');
  documentRequestFields(requests.EnrichmentRequest!);
  const responses = toJsonSchemas(
    {
      Error: ErrorSchema,
      Accepted: AcceptedSchema,
      Contact: ContactSchema,
      WebhookState: WebhookStateSchema,
      WebhookDelivery: WebhookDeliverySchema,
      Results: ResultsSchema,
      EmailResult: EmailResultSchema,
      PhoneResult: PhoneResultSchema,
      WaterfallStep: WaterfallStepSchema,
      Credits: CreditsSchema,
      LedgerPage: LedgerPageSchema,
      ResentWebhook: ResentWebhookSchema,
      BatchAccepted: BatchAcceptedSchema,
      Batch: BatchSchema,
    },
    'output',
  );

  return {
    openapi: OPENAPI_VERSION,
    info: {
      title: 'Contact enrichment API',
      version: '2.0.0',
      summary: 'Asynchronous contact enrichment: professional email, phones and personal email by waterfall.',
      description:
        'Post a contact and the types to find; the API answers at once with an `enrichment_id` and status ' +
        '`pending`, asks data providers one after another until one finds valid data, keeps the result on the ' +
        'record (`GET /contacts/{id}`) and POSTs it, signed per Standard Webhooks, to your `webhook_url`. ' +
        'Credits are reserved up front and charged only for data found.\n\n' +
        'All bodies are JSON (`application/json; charset=utf-8`), times ISO 8601 UTC. Every error has the body ' +
        '`{"code", "message", "errors"}` (`errors` only on validation failures).',
    },
    servers: [
      { url: 'http://localhost:3000', description: 'The local stack (`npm start`)' },
      {
        url: 'https://{api_id}.execute-api.{region}.amazonaws.com/v1',
        description: 'A deployment (the `ApiUrl` stack output)',
        variables: { api_id: { default: 'abcdef1234' }, region: { default: 'eu-west-1' } },
      },
    ],
    security: [{ bearer: [] }],
    tags: [
      { name: 'Enrichment', description: 'Start enrichments and read their records.' },
      { name: 'Batches', description: 'Up to 100 contacts in one request, with one webhook for the batch.' },
      { name: 'Webhooks', description: 'Delivery log and resend of the enrichment webhook.' },
      { name: 'Account', description: 'Credits and their ledger.' },
      { name: 'Reference', description: 'This document and its rendering; no API key needed.' },
    ],
    paths: {
      '/contacts/enrich/async': {
        post: {
          operationId: 'enrichContact',
          tags: ['Enrichment'],
          summary: 'Start one enrichment',
          description:
            'Checks, in order, the first failure answering and nothing written on any failure: JSON, size ' +
            `(${MAX_BODY_BYTES} bytes), content type, the schema and per-type requirements, consent for ` +
            '`personal_email`, credits for the worst case (reserved, not spent).',
          parameters: [IDEMPOTENCY_KEY],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('EnrichmentRequest'), example: EXAMPLE_REQUEST } },
          },
          responses: {
            '202': {
              description: 'Accepted: the waterfall runs in the background.',
              headers: {
                Location: {
                  description: 'The record: `/contacts/<enrichment_id>`.',
                  schema: { type: 'string' },
                },
              },
              content: json('Accepted', EXAMPLE_ACCEPTED),
            },
            ...errors(
              ...BODY_ERRORS,
              ...AUTHORIZED_ERRORS,
              'insufficient_credits',
              'idempotency_conflict',
              'consent_required',
            ),
          },
        },
      },
      '/contacts/enrich/bulk': {
        post: {
          operationId: 'enrichContactsInBulk',
          tags: ['Batches'],
          summary: 'Start up to 100 enrichments as one batch',
          description:
            'Each contact is validated exactly like `POST /contacts/enrich/async` and becomes an ordinary ' +
            'enrichment. All or nothing: any invalid contact (paths like `contacts[3].linkedin_url`), missing ' +
            'consent or uncovered worst case answers the error and starts nothing. Body at most 1 MiB. The ' +
            'top-level `webhook_url` gets one POST when the whole batch has finished.',
          parameters: [IDEMPOTENCY_KEY],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: ref('BulkEnrichmentRequest'),
                example: { contacts: [EXAMPLE_REQUEST], custom: { import: 'november' } },
              },
            },
          },
          responses: {
            '202': {
              description: 'Accepted: every contact is pending.',
              headers: {
                Location: { description: 'The batch: `/batches/<batch_id>`.', schema: { type: 'string' } },
              },
              content: json('BatchAccepted', {
                batch_id: EXAMPLE_BATCH_ID,
                status: 'pending',
                custom: { import: 'november' },
                contacts: [EXAMPLE_ACCEPTED],
              }),
            },
            ...errors(
              ...BODY_ERRORS,
              ...AUTHORIZED_ERRORS,
              'insufficient_credits',
              'idempotency_conflict',
              'consent_required',
            ),
          },
        },
      },
      '/contacts/{id}': {
        parameters: [idParameter('The enrichment id.')],
        get: {
          operationId: 'getContact',
          tags: ['Enrichment'],
          summary: 'Read an enrichment',
          description:
            'While `pending`, the steps already taken show in `waterfall` and `results` is null; the answer ' +
            'carries `Retry-After`. `status` flips to `finished` once, with or without data.',
          responses: {
            '200': {
              description: 'The record.',
              headers: {
                'Retry-After': { ...RETRY_AFTER, description: 'Only while pending: a polling hint.' },
              },
              content: json('Contact', EXAMPLE_CONTACT),
            },
            ...errors('not_found', ...AUTHORIZED_ERRORS),
          },
        },
        delete: {
          operationId: 'deleteContact',
          tags: ['Enrichment'],
          summary: 'Erase an enrichment',
          description:
            'The record and every copy of its personal data are gone; a pending enrichment is cancelled (its ' +
            'reservation released, nothing charged, its webhook never sent). Ledger entries stay.',
          responses: {
            '204': { description: 'Erased.' },
            ...errors('not_found', ...AUTHORIZED_ERRORS),
          },
        },
      },
      '/contacts/{id}/webhook/resend': {
        parameters: [idParameter('The enrichment id.')],
        post: {
          operationId: 'resendWebhook',
          tags: ['Webhooks'],
          summary: 'Resend the webhook of a finished enrichment',
          description:
            'Starts a new delivery round: the stored body (the record as it stood at finish), the same ' +
            '`webhook-id`, a fresh timestamp and signature. Attempts go on in `webhook.deliveries`.',
          responses: {
            '202': {
              description: 'Queued: the webhook is pending again.',
              content: json('ResentWebhook', {
                enrichment_id: EXAMPLE_ID,
                webhook: { ...EXAMPLE_WEBHOOK, status: 'pending' },
              }),
            },
            ...errors('not_found', 'invalid_state', ...AUTHORIZED_ERRORS),
          },
        },
      },
      '/batches/{id}': {
        parameters: [{ ...idParameter('The batch id.'), example: EXAMPLE_BATCH_ID }],
        get: {
          operationId: 'getBatch',
          tags: ['Batches'],
          summary: 'Read a batch',
          responses: {
            '200': {
              description: 'The batch, each contact as `GET /contacts/{id}` answers it.',
              headers: {
                'Retry-After': { ...RETRY_AFTER, description: 'Only while pending: a polling hint.' },
              },
              content: json('Batch', EXAMPLE_BATCH),
            },
            ...errors('not_found', ...AUTHORIZED_ERRORS),
          },
        },
      },
      '/account/credits': {
        get: {
          operationId: 'getCredits',
          tags: ['Account'],
          summary: 'Read the credits',
          description: '`available = balance - reserved`.',
          responses: {
            '200': {
              description: 'The credits.',
              content: json('Credits', { balance: 989, reserved: 0, available: 989 }),
            },
            ...errors(...AUTHORIZED_ERRORS),
          },
        },
      },
      '/account/ledger': {
        get: {
          operationId: 'getLedger',
          tags: ['Account'],
          summary: 'Read the credits ledger',
          description:
            'Every movement of credits (grant, reserve, charge, release), newest first. Over all pages the ' +
            '`balance_delta`s sum to the balance and the `reserved_delta`s to the reservation.',
          parameters: ledgerParameters(),
          responses: {
            '200': { description: 'One page.', content: json('LedgerPage', EXAMPLE_LEDGER) },
            ...errors('validation_error', ...AUTHORIZED_ERRORS),
          },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'getOpenApiDocument',
          tags: ['Reference'],
          summary: 'This document',
          ...PUBLIC,
          responses: {
            '200': {
              description: 'The OpenAPI 3.1 document.',
              content: { 'application/json': { schema: { type: 'object' } } },
            },
            ...errors('rate_limited', 'internal_error'),
          },
        },
      },
      '/docs': {
        get: {
          operationId: 'getApiReference',
          tags: ['Reference'],
          summary: 'The API reference page',
          description: 'This document rendered by Redoc, served with its script by the API itself.',
          ...PUBLIC,
          responses: {
            '200': { description: 'An HTML page.', content: { 'text/html': { schema: { type: 'string' } } } },
            ...errors('rate_limited', 'internal_error'),
          },
        },
      },
      '/docs/assets/{asset}': {
        parameters: [
          {
            name: 'asset',
            in: 'path',
            required: true,
            schema: { type: 'string' },
            example: 'redoc.standalone.js',
          },
        ],
        get: {
          operationId: 'getApiReferenceAsset',
          tags: ['Reference'],
          summary: 'A script of the API reference page',
          ...PUBLIC,
          responses: {
            '200': {
              description: 'JavaScript.',
              content: { 'text/javascript': { schema: { type: 'string' } } },
            },
            ...errors('not_found', 'rate_limited', 'internal_error'),
          },
        },
      },
    },
    webhooks: {
      'enrichment.finished': {
        post: {
          operationId: 'enrichmentFinished',
          tags: ['Webhooks'],
          summary: 'An enrichment finished',
          description:
            'POSTed to the `webhook_url` of an enrichment when it finishes. The body is the record as it stood at ' +
            'finish (so `webhook` shows `status: "pending", attempts: 0`), identical on every attempt and resend.',
          ...PUBLIC,
          parameters: WEBHOOK_HEADERS,
          requestBody: { required: true, content: json('Contact', EXAMPLE_WEBHOOK_BODY) },
          responses: WEBHOOK_RESPONSES,
        },
      },
      'batch.finished': {
        post: {
          operationId: 'batchFinished',
          tags: ['Batches'],
          summary: 'A batch finished',
          description:
            'POSTed to the top-level `webhook_url` of a bulk request once every contact has finished. The body is ' +
            '`GET /batches/{id}` at that moment; `webhook-id` is `msg_<batch_id>`.',
          ...PUBLIC,
          parameters: WEBHOOK_HEADERS.map((header) =>
            header.name === 'webhook-id' ? { ...header, example: `msg_${EXAMPLE_BATCH_ID}` } : header,
          ),
          requestBody: { required: true, content: json('Batch', EXAMPLE_BATCH) },
          responses: WEBHOOK_RESPONSES,
        },
      },
    },
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description:
            'An API key (`ce_…`), created by the operator (`npm run admin -- accounts create`): ' +
            '`Authorization: Bearer <api_key>`. A key identifies one account.',
        },
      },
      schemas: { ...requests, ...responses },
    },
  };
}

/** The document as served and committed: formatted, with a final newline. */
export function openApiText(): string {
  return `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
}
