/** POST /contacts/enrich/estimate: price a single or bulk body as its route would, writing and starting nothing. */
import { lambdaHandler } from '../adapters/aws/lambda-platform';
import { estimateHandler } from '../composition';
import { defineFunction } from './define';

export const spec = defineFunction({
  name: 'estimate',
  description: 'POST /contacts/enrich/estimate: the worst case of a body, nothing written or started',
  trigger: { kind: 'http', routes: [{ method: 'POST', path: '/contacts/enrich/estimate' }] },
  timeoutSeconds: 10,
  // The account's available credits and consent; nothing else is read, nothing written.
  table: ['GetItem'],
  settings: ['waterfall', 'allowPrivateWebhookTargets', 'resultCacheDays', 'resultCacheScope'],
  needs: [],
  build: (runtime) => estimateHandler(runtime),
});

export const handler = lambdaHandler(spec, {});
