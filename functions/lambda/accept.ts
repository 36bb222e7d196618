/** Lambda entry of POST /contacts/enrich/async: the waterfall starts on Step Functions. */
import { acceptHandler } from '../composition';
import { lambdaRuntime, stepFunctionsWorkflow } from './runtime';

const runtime = lambdaRuntime();

export const handler = acceptHandler(runtime, stepFunctionsWorkflow(runtime));
