/** Provider API keys from one Secrets Manager secret (`{ "<provider>": "<key>" }`), cached for five minutes. */
import { getSecret, type SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { Runtime } from '../../composition';
import { ConfigurationError, required } from '../../config';
import type { Platform } from '../../manifest/define';
import type { ProviderKeys } from '../../providers/directory';

const CACHE_SECONDS = 300;

export interface SecretKeysOptions {
  /** How long a secret read is used before it is read again. */
  maxAgeSeconds?: number;
  /** Reads through this provider (its own client and cache) instead of Powertools' default one. */
  provider?: Pick<SecretsProvider, 'get'>;
}

export function keysFromSecret(secretId: string, options: SecretKeysOptions = {}): ProviderKeys {
  if (!secretId) throw new ConfigurationError('The provider keys need a Secrets Manager secret id.');
  const read = { transform: 'json', maxAge: options.maxAgeSeconds ?? CACHE_SECONDS } as const;
  return async () =>
    (options.provider
      ? await options.provider.get<Record<string, string>>(secretId, read)
      : await getSecret<Record<string, string>>(secretId, read)) ?? {};
}

/** Provider keys from the deployment's Secrets Manager secret, for a deployed function that asks for them. */
export function providerKeysFromSecret({ config }: Runtime): Platform['providers'] {
  return { keys: keysFromSecret(required(config, 'providerSecretId')) };
}
