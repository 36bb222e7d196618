/** Lambda entry of POST /contacts/enrich/async: the waterfall starts on Step Functions. */
import { SFNClient } from '@aws-sdk/client-sfn';
import { StepFunctionsWorkflowStarter } from '../adapters/aws/sfn-workflow-starter';
import { acceptHandler } from '../composition';
import { required } from '../config';
import { lambdaRuntime } from './runtime';

const runtime = lambdaRuntime();

export const handler = acceptHandler(
  runtime,
  new StepFunctionsWorkflowStarter(
    new SFNClient({ region: runtime.config.region }),
    required(runtime.config, 'stateMachineArn'),
  ),
);
