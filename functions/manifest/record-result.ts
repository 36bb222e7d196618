/** The waterfall's RecordResult task: finish, settle credits once, hand the webhook to the queue. */
import { lambdaHandler } from '../adapters/aws/lambda-platform';
import { webhookQueueOnSqs } from '../adapters/aws/sqs-webhook-queue';
import { recordResultHandler } from '../composition';
import { defineFunction, FINISH_ACTIONS } from './define';

export const spec = defineFunction({
  name: 'record-result',
  description: 'Finishes an enrichment, settles its credits and queues its webhook',
  trigger: { kind: 'task', state: 'RecordResult' },
  timeoutSeconds: 30,
  table: FINISH_ACTIONS,
  settings: ['waterfall', 'retentionDays'],
  needs: ['webhooks'],
  build: (runtime, { webhooks }) => recordResultHandler(runtime, webhooks),
});

export const handler = lambdaHandler(spec, { webhooks: webhookQueueOnSqs });
