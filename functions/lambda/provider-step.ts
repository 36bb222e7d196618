/** Lambda entry of the waterfall's ProviderStep task: provider keys come from Secrets Manager. */
import { keysFromSecret } from '../adapters/aws/secret-provider-keys';
import { providerStepHandler } from '../composition';
import { loadConfig } from '../config';
import { systemClock } from '../domain/clock';

const config = loadConfig();

export const handler = providerStepHandler(
  { config, clock: systemClock },
  { keys: keysFromSecret(config.providerSecretId) },
);
