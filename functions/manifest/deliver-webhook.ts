/** The webhook queue's consumer: one signed POST per message; retries and dead letters through the queue. */
import { defaultSending, lambdaHandler } from '../adapters/aws/lambda-platform';
import { deliveriesOnSqs } from '../adapters/aws/sqs-webhook-queue';
import { deliverWebhookHandler } from '../composition';
import { defineFunction } from './define';

export const spec = defineFunction({
  name: 'deliver-webhook',
  description: 'Signs and POSTs one webhook attempt per queue message',
  trigger: { kind: 'queue' },
  timeoutSeconds: 30,
  // A batch webhook reads the batch and its contacts.
  table: ['GetItem', 'UpdateItem', 'BatchGetItem'],
  settings: ['allowPrivateWebhookTargets', 'webhookRetrySchedule', 'retentionDays'],
  needs: ['deliveries', 'sending'],
  build: (runtime, { deliveries, sending }) =>
    deliverWebhookHandler(runtime, deliveries, sending, sending.observe),
});

export const handler = lambdaHandler(spec, { deliveries: deliveriesOnSqs, sending: defaultSending });
