/** Lambda entry of POST /contacts/{id}/webhook/resend. */
import { resendWebhookHandler } from '../composition';
import { lambdaRuntime, webhookQueueOnSqs } from './runtime';

const runtime = lambdaRuntime();
export const handler = resendWebhookHandler(runtime, webhookQueueOnSqs(runtime));
