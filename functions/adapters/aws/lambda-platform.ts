/**
 * The AWS side of a manifest entry: the runtime a deployed function is built on (its declared settings from the
 * environment, the DynamoDB client, the clock) and the platform needs that take no AWS client. A need with a
 * client has its factory beside its adapter (stepFunctionsWorkflow, webhookQueueOnSqs, deliveriesOnSqs,
 * providerKeysFromSecret), imported by the entries that ask for it: the SDK is the runtime's (lib/bundling.ts),
 * so each function loads only the AWS clients its own entry asks for.
 */
import { join } from 'node:path';
import type { Runtime } from '../../composition';
import { loadConfig } from '../../config';
import { systemClock } from '../../domain/clock';
import { OPENAPI_DOCUMENT_FILE, RENDERER_SCRIPT_NAME } from '../../openapi/assets';
import type { FunctionSpec, Handler, Platform, PlatformNeed } from '../../manifest/define';
import { createDocumentClient } from '../dynamodb/client';

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

/** Webhooks are sent with the sender's defaults. */
export const defaultSending = (): Platform['sending'] => ({});

/** The construct copies Redoc's bundle and the OpenAPI document beside the function's bundle. */
export const bundledReference = (): Platform['reference'] => ({
  rendererScriptPath: join(__dirname, RENDERER_SCRIPT_NAME),
  documentPath: join(__dirname, OPENAPI_DOCUMENT_FILE),
});
