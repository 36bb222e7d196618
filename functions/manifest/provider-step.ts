/** The waterfall's ProviderStep task: one provider call for one type; provider keys from Secrets Manager. */
import { lambdaHandler } from '../adapters/aws/lambda-platform';
import { providerKeysFromSecret } from '../adapters/aws/secret-provider-keys';
import { providerStepHandler } from '../composition';
import { defineFunction } from './define';

export const spec = defineFunction({
  name: 'provider-step',
  description: 'Asks one data provider for one enrichment type',
  trigger: { kind: 'task', state: 'ProviderStep' },
  // A provider call is cut at 20 s; the state's own TimeoutSeconds (60) is the outer bound.
  timeoutSeconds: 30,
  // Reads the contact and appends its trace and results to the record (the workflow carries ids only), keeps
  // each provider's traffic item (rate limit, breaker) and writes verified finds to the results cache.
  table: ['GetItem', 'UpdateItem', 'BatchWriteItem'],
  settings: ['waterfall', 'rateLimits', 'providerCooldownSeconds', 'resultCacheDays', 'resultCacheScope'],
  needs: ['providers'],
  retried: true,
  copyFiles: ['node_modules/libphonenumber-js/metadata.max.json'],
  build: (runtime, { providers }) => providerStepHandler(runtime, providers),
});

export const handler = lambdaHandler(spec, { providers: providerKeysFromSecret });
