/** GET /account/credits. */
import { lambdaHandler } from '../adapters/aws/lambda-platform';
import { creditsHandler } from '../composition';
import { defineFunction } from './define';

export const spec = defineFunction({
  name: 'credits',
  description: 'GET /account/credits: balance, reserved and available credits',
  trigger: { kind: 'http', routes: [{ method: 'GET', path: '/account/credits' }] },
  timeoutSeconds: 10,
  table: ['GetItem'],
  settings: [],
  needs: [],
  build: (runtime) => creditsHandler(runtime),
});

export const handler = lambdaHandler(spec, {});
