/**
 * The AWS side of a manifest entry: the runtime a deployed function is built on (its declared settings from the
 * environment, the DynamoDB client, the clock) and one factory per platform need, so that each function's
 * bundle carries only the AWS clients its own entry asks for.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { join } from 'node:path';
import type { Runtime } from '../../composition';
import { loadConfig, required } from '../../config';
import { systemClock } from '../../domain/clock';
import { OPENAPI_DOCUMENT_FILE, RENDERER_SCRIPT_NAME } from '../../openapi/assets';
import type { FunctionSpec, Handler, Platform, PlatformNeed } from '../../manifest/define';
import { createDocumentClient } from '../dynamodb/client';
import { keysFromSecret } from './secret-provider-keys';
import { StepFunctionsWorkflow } from './sfn-workflow-starter';
import { SqsWebhookQueue } from './sqs-webhook-queue';

type Factories<Need extends PlatformNeed> = { [K in Need]: (runtime: Runtime) => Platform[K] };

/**
 * The Lambda handler of a manifest entry. Inside Lambda it is built at initialisation, so a missing or malformed
 * setting fails the function's init; anywhere else (synthesis, tests importing the entry) only when first called.
 */
export function lambdaHandler<Need extends PlatformNeed>(
  spec: FunctionSpec<string, Need>,
  factories: Factories<Need>,
): Handler {
  const build = () => {
    const config = loadConfig(process.env, { declared: spec.settings });
    const runtime: Runtime = {
      config,
      db: createDocumentClient({ endpoint: config.dynamoEndpoint, region: config.region }),
      clock: systemClock,
    };
    const platform = Object.fromEntries(
      (Object.keys(factories) as Need[]).map((need) => [need, factories[need](runtime)]),
    ) as Pick<Platform, Need>;
    return spec.build(runtime, platform);
  };
  if (process.env.AWS_LAMBDA_FUNCTION_NAME) return build();
  let built: Handler | undefined;
  return (event, context) => (built ??= build())(event, context);
}

/** The waterfall state machine on Step Functions. */
export function stepFunctionsWorkflow({ config }: Runtime): StepFunctionsWorkflow {
  return new StepFunctionsWorkflow(
    new SFNClient({ region: config.region }),
    required(config, 'stateMachineArn'),
  );
}

/** The webhook queue on SQS. */
export function webhookQueueOnSqs({ config }: Runtime): SqsWebhookQueue {
  return new SqsWebhookQueue(new SQSClient({ region: config.region }), required(config, 'webhookQueueUrl'));
}

/** The webhook queue as its consumer uses it: with its dead-letter queue. */
export function deliveriesOnSqs({ config }: Runtime): SqsWebhookQueue {
  return new SqsWebhookQueue(
    new SQSClient({ region: config.region }),
    required(config, 'webhookQueueUrl'),
    required(config, 'webhookDeadLetterQueueUrl'),
  );
}

/** Provider keys from the deployment's Secrets Manager secret. */
export function providerKeysFromSecret({ config }: Runtime): Platform['providers'] {
  return { keys: keysFromSecret(required(config, 'providerSecretId')) };
}

/** Webhooks are sent with the sender's defaults. */
export const defaultSending = (): Platform['sending'] => ({});

/** The construct copies Redoc's bundle and the OpenAPI document beside the function's bundle. */
export const bundledReference = (): Platform['reference'] => ({
  rendererScriptPath: join(__dirname, RENDERER_SCRIPT_NAME),
  documentPath: join(__dirname, OPENAPI_DOCUMENT_FILE),
});
