/**
 * The provider keys loader (the provider step's API keys) on moto's Secrets Manager, through Powertools'
 * SecretsProvider as in Lambda, with its cache.
 */
import { randomUUID } from 'node:crypto';
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { keysFromSecret } from '../../../functions/adapters/aws/secret-provider-keys';
import { ConfigurationError } from '../../../functions/config';
import { motoClientConfig } from '../../support/moto';
import { eventually } from '../../support/sqs-event-source';

describe('Function: keysFromSecret (moto Secrets Manager)', () => {
  let client: SecretsManagerClient;

  beforeAll(() => {
    client = new SecretsManagerClient(motoClientConfig());
  });

  afterAll(() => client.destroy());

  async function createSecret(keys: Record<string, string>): Promise<string> {
    const name = `provider-keys-${randomUUID()}`;
    await client.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(keys) }));
    return name;
  }

  const putSecret = (name: string, keys: Record<string, string>) =>
    client.send(new PutSecretValueCommand({ SecretId: name, SecretString: JSON.stringify(keys) }));

  /** A provider of its own, so each test starts with an empty cache. */
  const provider = () => new SecretsProvider({ awsSdkV3Client: client });

  it('reads the provider keys from the JSON secret', async () => {
    // Prepare
    const secretId = await createSecret({ hunter: 'hunter-key', dropcontact: 'dc-key' });

    // Act
    const keys = await keysFromSecret(secretId, { provider: provider() })();

    // Assess
    expect(keys).toEqual({ hunter: 'hunter-key', dropcontact: 'dc-key' });
  });

  it('keeps a read secret for the cache time, then reads the changed secret', async () => {
    // Prepare
    const secretId = await createSecret({ hunter: 'old-key' });
    const keys = keysFromSecret(secretId, { provider: provider(), maxAgeSeconds: 1 });
    const firstRead = Date.now();
    expect(await keys()).toEqual({ hunter: 'old-key' });

    // Act
    await putSecret(secretId, { hunter: 'new-key' });
    const withinCacheTime = await keys();
    const seenAt = await eventually(async () => (await keys()).hunter === 'new-key' && Date.now(), {
      timeoutMs: 5_000,
    });

    // Assess
    expect(withinCacheTime).toEqual({ hunter: 'old-key' });
    expect(seenAt - firstRead).toBeGreaterThanOrEqual(1_000);
  });

  describe('with the clock moved on (only Date is faked; timers and I/O run for real)', () => {
    beforeEach(() => {
      jest.useFakeTimers({
        now: Date.now(),
        doNotFake: [
          'hrtime',
          'nextTick',
          'performance',
          'queueMicrotask',
          'setImmediate',
          'clearImmediate',
          'setInterval',
          'clearInterval',
          'setTimeout',
          'clearTimeout',
        ],
      });
    });

    afterEach(() => jest.useRealTimers());

    it('keeps the keys five minutes by default', async () => {
      // Prepare
      const secretId = await createSecret({ hunter: 'old-key' });
      const keys = keysFromSecret(secretId, { provider: provider() });
      await keys();
      await putSecret(secretId, { hunter: 'new-key' });

      // Act
      jest.setSystemTime(Date.now() + 299_000);
      const beforeFiveMinutes = await keys();
      jest.setSystemTime(Date.now() + 2_000);
      const afterFiveMinutes = await keys();

      // Assess
      expect(beforeFiveMinutes).toEqual({ hunter: 'old-key' });
      expect(afterFiveMinutes).toEqual({ hunter: 'new-key' });
    });
  });

  it('refuses to be built without a secret: a deployed provider step never runs keyless by accident', () => {
    // Prepare
    const get = jest.fn();

    // Act
    const build = () => keysFromSecret('', { provider: { get } });

    // Assess
    expect(build).toThrow(ConfigurationError);
    expect(get).not.toHaveBeenCalled();
  });

  it('fails the read when the secret does not exist', async () => {
    // Act
    const read = keysFromSecret(`missing-${randomUUID()}`, { provider: provider() })();

    // Assess
    await expect(read).rejects.toThrow(/can't find the specified secret|ResourceNotFound/i);
  });
});
