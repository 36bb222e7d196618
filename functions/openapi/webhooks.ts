/** The webhooks the API sends: their signed headers, bodies and what each answer of the receiver means. */
import { EXAMPLE_BATCH, EXAMPLE_BATCH_ID, EXAMPLE_ID, EXAMPLE_WEBHOOK_BODY } from './examples';
import { content } from './paths';
import type { Json } from './schemas';

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

export const WEBHOOKS: Record<string, Json> = {
  'enrichment.finished': {
    post: {
      operationId: 'enrichmentFinished',
      tags: ['Webhooks'],
      summary: 'An enrichment finished',
      description:
        'POSTed to the `webhook_url` of an enrichment when it finishes. The body is the record as it stood at ' +
        'finish (so `webhook` shows `status: "pending", attempts: 0`), identical on every attempt and resend.',
      security: [],
      parameters: WEBHOOK_HEADERS,
      requestBody: { required: true, content: content({ schema: 'Contact', example: EXAMPLE_WEBHOOK_BODY }) },
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
      security: [],
      parameters: WEBHOOK_HEADERS.map((header) =>
        header.name === 'webhook-id' ? { ...header, example: `msg_${EXAMPLE_BATCH_ID}` } : header,
      ),
      requestBody: { required: true, content: content({ schema: 'Batch', example: EXAMPLE_BATCH }) },
      responses: WEBHOOK_RESPONSES,
    },
  },
};
