/** GET /openapi.json, GET /docs and its script: the API reference, without an API key and without the table. */
import { bundledReference, lambdaHandler } from '../adapters/aws/lambda-platform';
import { apiReferenceHandler } from '../composition';
import { OPENAPI_DOCUMENT_FILE, RENDERER_SCRIPT_NAME } from '../openapi/assets';
import { defineFunction } from './define';

export const spec = defineFunction({
  name: 'api-reference',
  description: 'GET /openapi.json, GET /docs and its script: the API reference, no API key',
  trigger: {
    kind: 'http',
    routes: [
      { method: 'GET', path: '/openapi.json', public: true },
      { method: 'GET', path: '/docs', public: true },
      { method: 'GET', path: '/docs/assets/{asset}', public: true },
    ],
  },
  timeoutSeconds: 10,
  table: [],
  settings: [],
  needs: ['reference'],
  copyFiles: [`node_modules/redoc/bundles/${RENDERER_SCRIPT_NAME}`, OPENAPI_DOCUMENT_FILE],
  build: (_runtime, { reference }) => apiReferenceHandler(reference),
});

export const handler = lambdaHandler(spec, { reference: bundledReference });
