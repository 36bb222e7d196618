/** Finishes the enrichment of a waterfall execution that failed, timed out or was aborted. */
import { lambdaHandler } from '../adapters/aws/lambda-platform';
import { webhookQueueOnSqs } from '../adapters/aws/sqs-webhook-queue';
import { recoverEnrichmentHandler } from '../composition';
import { defineFunction, FINISH_ACTIONS } from './define';

export const spec = defineFunction({
  name: 'recover-enrichment',
  description: 'Finishes an enrichment whose workflow failed, timed out or was aborted',
  trigger: { kind: 'execution-ended' },
  timeoutSeconds: 30,
  table: FINISH_ACTIONS,
  settings: ['waterfall', 'retentionDays'],
  needs: ['webhooks'],
  build: (runtime, { webhooks }) => recoverEnrichmentHandler(runtime, webhooks),
});

export const handler = lambdaHandler(spec, { webhooks: webhookQueueOnSqs });
