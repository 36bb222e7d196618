/** What the Lambda functions are built on: configuration from the environment, the DynamoDB client, SQS. */
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { StepFunctionsWorkflow } from '../adapters/aws/sfn-workflow-starter';
import { SqsWebhookQueue } from '../adapters/aws/sqs-webhook-queue';
import { createDocumentClient } from '../adapters/dynamodb/client';
import type { Runtime } from '../composition';
import { loadConfig, required } from '../config';
import { systemClock } from '../domain/clock';

export function lambdaRuntime(): Runtime {
  const config = loadConfig();
  return {
    config,
    db: createDocumentClient({ endpoint: config.dynamoEndpoint, region: config.region }),
    clock: systemClock,
  };
}

/** The webhook queue on SQS, with its dead-letter queue when the function moves messages there. */
export function webhookQueueOnSqs({ config }: Runtime, withDeadLetters = false): SqsWebhookQueue {
  return new SqsWebhookQueue(
    new SQSClient({ region: config.region }),
    required(config, 'webhookQueueUrl'),
    withDeadLetters ? required(config, 'webhookDeadLetterQueueUrl') : undefined,
  );
}

/** The waterfall state machine on Step Functions. */
export function stepFunctionsWorkflow({ config }: Runtime): StepFunctionsWorkflow {
  return new StepFunctionsWorkflow(
    new SFNClient({ region: config.region }),
    required(config, 'stateMachineArn'),
  );
}
