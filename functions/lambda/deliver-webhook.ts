/** Lambda entry of the webhook queue's consumer: retries and dead letters through SQS. */
import { deliverWebhookHandler } from '../composition';
import { lambdaRuntime, webhookQueueOnSqs } from './runtime';

const runtime = lambdaRuntime();

export const handler = deliverWebhookHandler(runtime, webhookQueueOnSqs(runtime, true));
