/** GET /batches/{id}: one batch of the calling account with its contacts. */
import { lambdaHandler } from '../adapters/aws/lambda-platform';
import { getBatchHandler } from '../composition';
import { defineFunction } from './define';

export const spec = defineFunction({
  name: 'get-batch',
  description: 'GET /batches/{id}: one batch of the calling account with its contacts',
  trigger: { kind: 'http', routes: [{ method: 'GET', path: '/batches/{id}' }] },
  timeoutSeconds: 10,
  table: ['GetItem', 'BatchGetItem'],
  settings: ['retentionDays'],
  needs: [],
  build: (runtime) => getBatchHandler(runtime),
});

export const handler = lambdaHandler(spec, {});
