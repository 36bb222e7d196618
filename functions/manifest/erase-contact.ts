/** DELETE /contacts/{id}: a cancelled batch contact may finish its batch, whose webhook goes to the queue. */
import { lambdaHandler } from '../adapters/aws/lambda-platform';
import { webhookQueueOnSqs } from '../adapters/aws/sqs-webhook-queue';
import { eraseContactHandler } from '../composition';
import { defineFunction } from './define';

export const spec = defineFunction({
  name: 'erase-contact',
  description: 'DELETE /contacts/{id}: erase an enrichment and its cached results; cancel it if pending',
  trigger: { kind: 'http', routes: [{ method: 'DELETE', path: '/contacts/{id}' }] },
  timeoutSeconds: 10,
  // Reads the record; forgets the cached results (Query, BatchWriteItem); deletes the record and the
  // idempotency record; a cancellation's account update and ledger entry; a cancelled batch contact's tick-off.
  table: ['GetItem', 'Query', 'BatchWriteItem', 'DeleteItem', 'UpdateItem', 'PutItem'],
  settings: ['retentionDays'],
  needs: ['webhooks'],
  build: (runtime, { webhooks }) => eraseContactHandler(runtime, webhooks),
});

export const handler = lambdaHandler(spec, { webhooks: webhookQueueOnSqs });
