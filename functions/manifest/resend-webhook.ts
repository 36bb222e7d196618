/** POST /contacts/{id}/webhook/resend: a new delivery round on the webhook queue. */
import { lambdaHandler } from '../adapters/aws/lambda-platform';
import { webhookQueueOnSqs } from '../adapters/aws/sqs-webhook-queue';
import { resendWebhookHandler } from '../composition';
import { defineFunction } from './define';

export const spec = defineFunction({
  name: 'resend-webhook',
  description: 'POST /contacts/{id}/webhook/resend: a new delivery round of a finished webhook',
  trigger: { kind: 'http', routes: [{ method: 'POST', path: '/contacts/{id}/webhook/resend' }] },
  timeoutSeconds: 10,
  table: ['GetItem', 'UpdateItem'],
  settings: [],
  needs: ['webhooks'],
  build: (runtime, { webhooks }) => resendWebhookHandler(runtime, webhooks),
});

export const handler = lambdaHandler(spec, { webhooks: webhookQueueOnSqs });
