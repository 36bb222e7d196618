/** Lambda entry of DELETE /contacts/{id}: a cancelled batch contact may finish its batch, whose webhook goes to SQS. */
import { eraseContactHandler } from '../composition';
import { lambdaRuntime, webhookQueueOnSqs } from './runtime';

const runtime = lambdaRuntime();
export const handler = eraseContactHandler(runtime, webhookQueueOnSqs(runtime));
