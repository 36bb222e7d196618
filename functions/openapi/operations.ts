/**
 * Every route of the API as the document describes it, declared once, in the order the document lists them.
 * `buildPaths` (`./paths.ts`) turns the list into the document's `paths`.
 */
import * as z from 'zod/mini';
import { LEDGER_PAGE_LIMITS, ledgerQuerySchema } from '../domain/credits/ledger';
import { MAX_BODY_BYTES } from '../domain/limits';
import { AUTHORIZED_ERRORS, BODY_ERRORS, RATE_LIMIT_HEADERS, RETRY_AFTER } from './errors';
import {
  EXAMPLE_ACCEPTED,
  EXAMPLE_BATCH,
  EXAMPLE_BATCH_ID,
  EXAMPLE_CONTACT,
  EXAMPLE_CONTACT_WITH_FEEDBACK,
  EXAMPLE_FEEDBACK_REQUEST,
  EXAMPLE_ID,
  EXAMPLE_LEDGER,
  EXAMPLE_REQUEST,
  EXAMPLE_USAGE,
  EXAMPLE_WEBHOOK,
} from './examples';
import { DEFAULT_USAGE_DAYS, MAX_USAGE_DAYS } from '../domain/usage/account-usage';
import type { OperationDetails } from './paths';
import type { Json } from './schemas';

// Parameters ----------------------------------------------------------------------------------------------

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

/** `from` and `to` of GET /account/usage: UTC days, both included. */
function usageParameters(): Json[] {
  const date = { type: 'string', format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' };
  return [
    {
      name: 'from',
      in: 'query',
      required: false,
      description:
        `First UTC day, included; default ${DEFAULT_USAGE_DAYS - 1} days before \`to\`. Not after \`to\`, and at ` +
        `most ${MAX_USAGE_DAYS} days from \`from\` to \`to\` both included (else 400 naming \`from\`).`,
      schema: date,
      example: '2026-12-01',
    },
    {
      name: 'to',
      in: 'query',
      required: false,
      description: 'Last UTC day, included; default today (UTC).',
      schema: date,
      example: '2026-12-06',
    },
  ];
}

const POLLING_HINT = {
  'Retry-After': { ...RETRY_AFTER, description: 'Only while pending: a polling hint.' },
};

/** The cross-field rules of a contact, which the schema cannot state: checked after it, each a 400. */
const PER_TYPE_REQUIREMENTS =
  'Per-type requirements (400 naming the field): `email` needs `domain` or `company_name` ' +
  '(`domain or company_name is required for the email enrichment`, path `domain`); `phone` and `personal_email` ' +
  'need `linkedin_url` (`is required for the phone enrichment`).';

// Operations ----------------------------------------------------------------------------------------------

/** What the document says of each route of the manifest, by `METHOD /path`. */
export const OPERATIONS: Readonly<Record<string, OperationDetails>> = {
  'POST /contacts/enrich/async': {
    operationId: 'enrichContact',
    tag: 'Enrichment',
    summary: 'Start one enrichment',
    description:
      'Checks, in order, the first failure answering and nothing written on any failure: JSON, size ' +
      `(${MAX_BODY_BYTES} bytes), content type, the schema and per-type requirements, consent for ` +
      "`personal_email`, credits for the worst case (reserved, not spent), then the account's rate limit " +
      '(one contact from its bucket; 429 with `Retry-After` when it does not fit). ' +
      PER_TYPE_REQUIREMENTS,
    parameters: [IDEMPOTENCY_KEY],
    request: { schema: 'EnrichmentRequest', example: EXAMPLE_REQUEST },
    response: {
      status: '202',
      description: 'Accepted: the waterfall runs in the background.',
      headers: {
        Location: { description: 'The record: `/contacts/<enrichment_id>`.', schema: { type: 'string' } },
        ...RATE_LIMIT_HEADERS,
      },
      body: { schema: 'Accepted', example: EXAMPLE_ACCEPTED },
    },
    errors: [
      ...BODY_ERRORS,
      ...AUTHORIZED_ERRORS,
      'insufficient_credits',
      'idempotency_conflict',
      'consent_required',
    ],
    limitHeaders: RATE_LIMIT_HEADERS,
  },
  'POST /contacts/enrich/bulk': {
    operationId: 'enrichContactsInBulk',
    tag: 'Batches',
    summary: 'Start up to 100 enrichments as one batch',
    description:
      'Each contact is validated exactly like `POST /contacts/enrich/async` and becomes an ordinary ' +
      'enrichment. All or nothing: any invalid contact (paths like `contacts[3].linkedin_url`), missing ' +
      'consent or uncovered worst case answers the error and starts nothing. Body at most 1 MiB. The ' +
      'top-level `webhook_url` gets one POST when the whole batch has finished. The batch costs one contact ' +
      "of the account's rate limit per contact; a batch larger than the bucket is accepted from a full bucket. " +
      PER_TYPE_REQUIREMENTS,
    parameters: [IDEMPOTENCY_KEY],
    request: {
      schema: 'BulkEnrichmentRequest',
      example: { contacts: [EXAMPLE_REQUEST], custom: { import: 'november' } },
    },
    response: {
      status: '202',
      description: 'Accepted: every contact is pending.',
      headers: {
        Location: { description: 'The batch: `/batches/<batch_id>`.', schema: { type: 'string' } },
        ...RATE_LIMIT_HEADERS,
      },
      body: {
        schema: 'BatchAccepted',
        example: {
          batch_id: EXAMPLE_BATCH_ID,
          status: 'pending',
          custom: { import: 'november' },
          contacts: [EXAMPLE_ACCEPTED],
        },
      },
    },
    errors: [
      ...BODY_ERRORS,
      ...AUTHORIZED_ERRORS,
      'insufficient_credits',
      'idempotency_conflict',
      'consent_required',
    ],
    limitHeaders: RATE_LIMIT_HEADERS,
  },
  'POST /contacts/enrich/estimate': {
    operationId: 'estimateEnrichment',
    tag: 'Enrichment',
    summary: 'Price a single or bulk body before sending it',
    description:
      'Takes exactly a body of `POST /contacts/enrich/async` or of `POST /contacts/enrich/bulk` (a `contacts` ' +
      'list; its top-level `webhook_url` and `custom` are checked and ignored), validates it as that route ' +
      'would (the same 400, 413, 415 and 422 answers), and answers the worst case of each contact and type, ' +
      'the order the waterfall would ask (`cache` first whenever the cache is consulted), the total and whether ' +
      'the available credits cover it. It reserves, writes, starts and charges nothing, and calls no provider. ' +
      PER_TYPE_REQUIREMENTS,
    request: { schema: 'EstimateRequest', example: { ...EXAMPLE_REQUEST, max_credits: 5 } },
    response: {
      status: '200',
      description: 'The worst case, as accepting the body would reserve it.',
      body: {
        schema: 'Estimate',
        example: {
          worst_case_credits: 5,
          available: 989,
          sufficient: true,
          contacts: [
            {
              worst_case_credits: 5,
              types: {
                email: { worst_case_credits: 1, providers: ['cache', 'hunter', 'prospeo'] },
                phone: { worst_case_credits: 10, providers: ['cache', 'prospeo', 'contactout'] },
              },
            },
          ],
        },
      },
    },
    errors: [...BODY_ERRORS, ...AUTHORIZED_ERRORS, 'consent_required'],
  },
  'GET /contacts/{id}': {
    operationId: 'getContact',
    tag: 'Enrichment',
    summary: 'Read an enrichment',
    description:
      'While `pending`, the steps already taken show in `waterfall` and `results` is null; the answer ' +
      'carries `Retry-After`. `status` flips to `finished` once, with or without data.',
    pathParameters: [idParameter('The enrichment id.')],
    response: {
      status: '200',
      description: 'The record.',
      headers: POLLING_HINT,
      body: { schema: 'Contact', example: EXAMPLE_CONTACT },
    },
    errors: ['not_found', ...AUTHORIZED_ERRORS],
  },
  'DELETE /contacts/{id}': {
    operationId: 'deleteContact',
    tag: 'Enrichment',
    summary: 'Erase an enrichment',
    description:
      'The record and every copy of its personal data are gone; a pending enrichment is cancelled (its ' +
      'reservation released, nothing charged, its webhook never sent). Ledger entries stay.',
    pathParameters: [idParameter('The enrichment id.')],
    response: { status: '204', description: 'Erased.' },
    errors: ['not_found', ...AUTHORIZED_ERRORS],
  },
  'POST /contacts/{id}/webhook/resend': {
    operationId: 'resendWebhook',
    tag: 'Webhooks',
    summary: 'Resend the webhook of a finished enrichment',
    description:
      'Starts a new delivery round: the stored body (the record as it stood at finish), the same ' +
      '`webhook-id`, a fresh timestamp and signature. Attempts go on in `webhook.deliveries`.',
    pathParameters: [idParameter('The enrichment id.')],
    response: {
      status: '202',
      description: 'Queued: the webhook is pending again.',
      body: {
        schema: 'ResentWebhook',
        example: { enrichment_id: EXAMPLE_ID, webhook: { ...EXAMPLE_WEBHOOK, status: 'pending' } },
      },
    },
    errors: ['not_found', 'invalid_state', ...AUTHORIZED_ERRORS],
  },
  'POST /contacts/{id}/feedback': {
    operationId: 'sendFeedback',
    tag: 'Enrichment',
    summary: 'Report how the results turned out',
    description:
      'Any of `email`, `personal_email` (`bounced` or `delivered`) and `phones` (each number with `wrong_number` ' +
      'or `connected`), at least one. Each type reported must have been found and each number must be one of ' +
      '`results.phones`, once (else 400 naming it); a pending enrichment is 409 invalid_state. Later feedback on ' +
      'the same result replaces its outcome; the same outcome sent again changes nothing. A `bounced` email or ' +
      'personal email, or a `wrong_number` phone, leaves the results cache (that person is asked of the ' +
      "providers next time) and counts in its provider's bounces. Within the deployment's refund window " +
      '(`refundWindowDays`, default 30, after `finished_at`, when `refundOnBounce` is on) a bounced email or ' +
      'personal email gives back what it was charged, and so do the phones once every number of the list is a ' +
      'wrong number (the list was charged once): one `refund` ledger entry, added to `credits_refunded`. Each ' +
      'type is refunded at most once, whatever is sent again or at the same time.',
    pathParameters: [idParameter('The enrichment id.')],
    request: { schema: 'FeedbackRequest', example: EXAMPLE_FEEDBACK_REQUEST },
    response: {
      status: '200',
      description: 'The record, as `GET /contacts/{id}` now answers it.',
      body: { schema: 'Contact', example: EXAMPLE_CONTACT_WITH_FEEDBACK },
    },
    errors: [...BODY_ERRORS, 'not_found', 'invalid_state', ...AUTHORIZED_ERRORS],
  },
  'GET /batches/{id}': {
    operationId: 'getBatch',
    tag: 'Batches',
    summary: 'Read a batch',
    pathParameters: [{ ...idParameter('The batch id.'), example: EXAMPLE_BATCH_ID }],
    response: {
      status: '200',
      description: 'The batch, each contact as `GET /contacts/{id}` answers it.',
      headers: POLLING_HINT,
      body: { schema: 'Batch', example: EXAMPLE_BATCH },
    },
    errors: ['not_found', ...AUTHORIZED_ERRORS],
  },
  'GET /account/credits': {
    operationId: 'getCredits',
    tag: 'Account',
    summary: 'Read the credits',
    description: '`available = balance - reserved`.',
    response: {
      status: '200',
      description: 'The credits.',
      body: { schema: 'Credits', example: { balance: 989, reserved: 0, available: 989 } },
    },
    errors: [...AUTHORIZED_ERRORS],
  },
  'GET /account/ledger': {
    operationId: 'getLedger',
    tag: 'Account',
    summary: 'Read the credits ledger',
    description:
      'Every movement of credits (grant, reserve, charge, release, refund), newest first. Over all pages the ' +
      '`balance_delta`s sum to the balance and the `reserved_delta`s to the reservation.',
    parameters: ledgerParameters(),
    response: {
      status: '200',
      description: 'One page.',
      body: { schema: 'LedgerPage', example: EXAMPLE_LEDGER },
    },
    errors: ['validation_error', ...AUTHORIZED_ERRORS],
  },
  'GET /account/usage': {
    operationId: 'getUsage',
    tag: 'Account',
    summary: 'Read the usage',
    description:
      "What the account's enrichments that **finished** in a range of UTC days found and cost, by type and " +
      'provider (`cache` for results reused from the results cache). `credits_charged` equals the sum of their ' +
      "`charge` ledger entries, each type's `credits` the sum over its providers; `credits_refunded` sums the " +
      '`refund` entries made in those days. Every type appears, with zeros when nothing was requested.',
    parameters: usageParameters(),
    response: {
      status: '200',
      description: 'The usage of the range.',
      body: { schema: 'Usage', example: EXAMPLE_USAGE },
    },
    errors: ['validation_error', ...AUTHORIZED_ERRORS],
  },
  'GET /openapi.json': {
    operationId: 'getOpenApiDocument',
    tag: 'Reference',
    summary: 'This document',
    response: {
      status: '200',
      description: 'The OpenAPI 3.1 document.',
      body: { schema: { type: 'object' } },
    },
    errors: ['rate_limited', 'internal_error'],
  },
  'GET /docs': {
    operationId: 'getApiReference',
    tag: 'Reference',
    summary: 'The API reference page',
    description: 'This document rendered by Redoc, served with its script by the API itself.',
    response: {
      status: '200',
      description: 'An HTML page.',
      body: { mediaType: 'text/html', schema: { type: 'string' } },
    },
    errors: ['rate_limited', 'internal_error'],
  },
  'GET /docs/assets/{asset}': {
    operationId: 'getApiReferenceAsset',
    tag: 'Reference',
    summary: 'A script of the API reference page',
    pathParameters: [
      {
        name: 'asset',
        in: 'path',
        required: true,
        schema: { type: 'string' },
        example: 'redoc.standalone.js',
      },
    ],
    response: {
      status: '200',
      description: 'JavaScript.',
      body: { mediaType: 'text/javascript', schema: { type: 'string' } },
    },
    errors: ['not_found', 'rate_limited', 'internal_error'],
  },
};
