/** GET /account/usage: one Query over the account's usage counters of the range. */
import { lambdaHandler } from '../adapters/aws/lambda-platform';
import { usageHandler } from '../composition';
import { defineFunction } from './define';

export const spec = defineFunction({
  name: 'usage',
  description: 'GET /account/usage: what the enrichments finished in a range of days found and cost',
  trigger: { kind: 'http', routes: [{ method: 'GET', path: '/account/usage' }] },
  timeoutSeconds: 10,
  table: ['Query'],
  settings: [],
  needs: [],
  build: (runtime) => usageHandler(runtime),
});

export const handler = lambdaHandler(spec, {});
