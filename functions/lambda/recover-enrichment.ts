/** Lambda entry of the recovery of failed, timed-out or aborted executions (an EventBridge rule's target). */
import { recoverEnrichmentHandler } from '../composition';
import { lambdaRuntime, webhookQueueOnSqs } from './runtime';

const runtime = lambdaRuntime();

export const handler = recoverEnrichmentHandler(runtime, webhookQueueOnSqs(runtime));
