/** The API's TOKEN authorizer: `Authorization: Bearer <api_key>` to an account. */
import { lambdaHandler } from '../adapters/aws/lambda-platform';
import { authorizerHandler } from '../composition';
import { defineFunction } from './define';

export const spec = defineFunction({
  name: 'authorizer',
  description: 'API Gateway TOKEN authorizer: API key to account',
  trigger: { kind: 'authorizer' },
  timeoutSeconds: 10,
  table: ['GetItem'],
  settings: [],
  needs: [],
  build: (runtime) => authorizerHandler(runtime),
});

export const handler = lambdaHandler(spec, {});
