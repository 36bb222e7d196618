/** POST /contacts/enrich/bulk: each contact's waterfall starts on Step Functions. */
import { lambdaHandler } from '../adapters/aws/lambda-platform';
import { stepFunctionsWorkflow } from '../adapters/aws/sfn-workflow-starter';
import { acceptBatchHandler } from '../composition';
import { defineFunction } from './define';

export const spec = defineFunction({
  name: 'accept-batch',
  description: 'POST /contacts/enrich/bulk: validate, reserve credits, record and start each contact',
  trigger: { kind: 'http', routes: [{ method: 'POST', path: '/contacts/enrich/bulk', throttle: 'bulk' }] },
  // A few transactions and up to 100 StartExecution calls, 25 at a time, well inside API Gateway's 29 s.
  timeoutSeconds: 25,
  // The commit transaction, the contacts' writes, the accepted mark (deleting the staged contacts), and an
  // Idempotency-Key replay's read of the contacts.
  table: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchGetItem'],
  settings: ['waterfall', 'retentionDays', 'allowPrivateWebhookTargets', 'accountRateLimit'],
  needs: ['workflow'],
  build: (runtime, { workflow }) => acceptBatchHandler(runtime, workflow),
});

export const handler = lambdaHandler(spec, { workflow: stepFunctionsWorkflow });
