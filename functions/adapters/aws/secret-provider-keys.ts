/** Provider API keys from one Secrets Manager secret (`{ "<provider>": "<key>" }`), cached for five minutes. */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type { ProviderKeys } from '../../providers/directory';

const CACHE_SECONDS = 300;

export function keysFromSecret(secretId: string | undefined): ProviderKeys {
  if (!secretId) return async () => ({});
  return async () =>
    (await getSecret<Record<string, string>>(secretId, { transform: 'json', maxAge: CACHE_SECONDS })) ?? {};
}
