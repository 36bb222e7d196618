/** Lambda entry of the waterfall's RecordResult task: webhooks are handed to SQS. */
import { recordResultHandler } from '../composition';
import { lambdaRuntime, webhookQueueOnSqs } from './runtime';

const runtime = lambdaRuntime();

export const handler = recordResultHandler(runtime, webhookQueueOnSqs(runtime));
