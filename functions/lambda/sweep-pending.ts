/** Lambda entry of the scheduled sweeper of pending enrichments whose workflow is not running. */
import { sweepPendingHandler } from '../composition';
import { lambdaRuntime, stepFunctionsWorkflow, webhookQueueOnSqs } from './runtime';

const runtime = lambdaRuntime();

export const handler = sweepPendingHandler(
  runtime,
  stepFunctionsWorkflow(runtime),
  webhookQueueOnSqs(runtime),
);
