/** Lambda entry of POST /contacts/enrich/bulk: each contact's waterfall starts on Step Functions. */
import { acceptBatchHandler } from '../composition';
import { lambdaRuntime, stepFunctionsWorkflow } from './runtime';

const runtime = lambdaRuntime();

export const handler = acceptBatchHandler(runtime, stepFunctionsWorkflow(runtime));
