/** Lambda entry of the waterfall's ProviderStep task: provider keys come from Secrets Manager. */
import { keysFromSecret } from '../adapters/aws/secret-provider-keys';
import { providerStepHandler } from '../composition';
import { lambdaRuntime } from './runtime';

const runtime = lambdaRuntime();

export const handler = providerStepHandler(runtime, {
  keys: keysFromSecret(runtime.config.providerSecretId),
});
