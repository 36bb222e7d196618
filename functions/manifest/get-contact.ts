/** GET /contacts/{id}: one enrichment of the calling account. */
import { lambdaHandler } from '../adapters/aws/lambda-platform';
import { getContactHandler } from '../composition';
import { defineFunction } from './define';

export const spec = defineFunction({
  name: 'get-contact',
  description: 'GET /contacts/{id}: one enrichment of the calling account',
  trigger: { kind: 'http', routes: [{ method: 'GET', path: '/contacts/{id}' }] },
  timeoutSeconds: 10,
  table: ['GetItem'],
  settings: [],
  needs: [],
  build: (runtime) => getContactHandler(runtime),
});

export const handler = lambdaHandler(spec, {});
