/** The scheduled sweeper of pending enrichments (and batches) whose workflow is not running. */
import { lambdaHandler } from '../adapters/aws/lambda-platform';
import { stepFunctionsWorkflow } from '../adapters/aws/sfn-workflow-starter';
import { webhookQueueOnSqs } from '../adapters/aws/sqs-webhook-queue';
import { sweepPendingHandler } from '../composition';
import { defineFunction, FINISH_ACTIONS } from './define';

export const spec = defineFunction({
  name: 'sweep-pending',
  description: 'Finishes or starts pending enrichments whose workflow is not running',
  trigger: { kind: 'schedule', everyMinutes: 5 },
  timeoutSeconds: 300,
  // Beyond a finish: a batch left half-way has its contacts read and written, its staged copies deleted.
  table: [...FINISH_ACTIONS, 'BatchGetItem', 'DeleteItem'],
  pendingIndex: true,
  // A batch left half-way is accepted again (its webhook target checked again) before its contacts start.
  settings: ['waterfall', 'retentionDays', 'maxEnrichmentSeconds', 'allowPrivateWebhookTargets'],
  needs: ['executions', 'webhooks'],
  build: (runtime, { executions, webhooks }) => sweepPendingHandler(runtime, executions, webhooks),
});

export const handler = lambdaHandler(spec, {
  executions: stepFunctionsWorkflow,
  webhooks: webhookQueueOnSqs,
});
