/** POST /contacts/enrich/async: validate, reserve credits, record the pending contact, start its waterfall. */
import { lambdaHandler } from '../adapters/aws/lambda-platform';
import { stepFunctionsWorkflow } from '../adapters/aws/sfn-workflow-starter';
import { acceptHandler } from '../composition';
import { defineFunction } from './define';

export const spec = defineFunction({
  name: 'accept',
  description: 'POST /contacts/enrich/async: validate, reserve credits, start the waterfall',
  trigger: { kind: 'http', routes: [{ method: 'POST', path: '/contacts/enrich/async', throttle: 'accept' }] },
  timeoutSeconds: 10,
  // The accept transaction (account, contact, ledger, idempotency) and its rollback.
  table: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
  settings: ['waterfall', 'retentionDays', 'allowPrivateWebhookTargets', 'accountRateLimit'],
  needs: ['workflow'],
  build: (runtime, { workflow }) => acceptHandler(runtime, workflow),
});

export const handler = lambdaHandler(spec, { workflow: stepFunctionsWorkflow });
