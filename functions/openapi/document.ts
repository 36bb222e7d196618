/**
 * The OpenAPI 3.1 document of the API (served at GET /openapi.json, rendered at GET /docs, committed as
 * `openapi.json`; `npm run openapi` rewrites the file), assembled from its parts: the component schemas
 * (`./schemas.ts`), the paths built from the list of operations (`./operations.ts`, `./paths.ts`), the error
 * responses (`./errors.ts`) and the webhooks (`./webhooks.ts`).
 */
import { ROUTES } from '../manifest';
import { OPERATIONS } from './operations';
import { buildPaths } from './paths';
import { componentSchemas, type Json } from './schemas';
import { WEBHOOKS } from './webhooks';

export const OPENAPI_VERSION = '3.1.1';

export { API_REFERENCE_SCRIPT, RENDERER_SCRIPT_NAME } from './assets';

export type OpenApiDocument = Json & { paths: Record<string, Json>; webhooks: Record<string, Json> };

export function buildOpenApiDocument(): OpenApiDocument {
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
    paths: buildPaths(ROUTES, OPERATIONS),
    webhooks: WEBHOOKS,
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
      schemas: componentSchemas(),
    },
  };
}

/** The document as served and committed: formatted, with a final newline. */
export function openApiText(): string {
  return `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
}
