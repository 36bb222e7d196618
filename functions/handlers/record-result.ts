/** Step Functions task: finish the record, settle credits exactly once, hand the webhook to its queue. */
import { SQSClient } from '@aws-sdk/client-sqs';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { createDocumentClient } from '../adapters/dynamodb/client';
import { DynamoEnrichmentStore } from '../adapters/dynamodb/enrichment-store';
import { SqsWebhookQueue } from '../adapters/aws/sqs-webhook-queue';
import { loadConfig, priceOf } from '../config';
import { systemClock } from '../domain/clock';
import { RecordResult } from '../domain/record-result';
import type { WaterfallState } from '../domain/waterfall-state';
import { logger } from './observability';

export function createRecordResultHandler(recordResult: RecordResult) {
  return middy<WaterfallState, Awaited<ReturnType<RecordResult['execute']>>>()
    .use(injectLambdaContext(logger))
    .handler(async (state) => {
      const outcome = await recordResult.execute(state);
      logger.info('enrichment finished', { enrichment_id: state.enrichment_id, ...outcome });
      return outcome;
    });
}

const config = loadConfig();
const db = createDocumentClient({ endpoint: config.dynamoEndpoint, region: config.region });

export const handler = createRecordResultHandler(
  new RecordResult({
    finishes: new DynamoEnrichmentStore(db, config.tableName, config.retentionDays),
    webhooks: new SqsWebhookQueue(new SQSClient({ region: config.region }), config.webhookQueueUrl),
    clock: systemClock,
    priceOf: priceOf(config.waterfall),
  }),
);
