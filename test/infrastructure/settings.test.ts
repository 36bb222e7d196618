import { App } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { InvalidSettingsError, settingsFromContext } from '../../lib/settings';
import { cdkJsonContext } from './synthesize';

/** Settings read from cdk.json's context with `overrides` given as `cdk deploy -c key=value` would. */
function settingsWith(overrides: Record<string, unknown> = {}) {
  const app = new App({ context: { ...cdkJsonContext(), ...overrides } });
  return settingsFromContext(app.node);
}

describe('Function: settingsFromContext', () => {
  it('reads the defaults of cdk.json', () => {
    // Act
    const settings = settingsWith();

    // Assess
    expect(settings).toMatchObject({
      stackName: 'ContactEnrichment',
      retentionDays: 90,
      logRetention: RetentionDays.ONE_MONTH,
      webhookRetrySchedule: undefined,
      allowPrivateWebhookTargets: false,
      apiThrottling: {
        rateLimit: 100,
        burstLimit: 200,
        acceptRateLimit: 50,
        acceptBurstLimit: 100,
        bulkRateLimit: 1,
        bulkBurstLimit: 5,
      },
      authorizerCacheSeconds: 60,
      webAcl: false,
      alarmEmail: undefined,
    });
    expect(settings.waterfall.order.email[0]).toBe('hunter');
  });

  it('accepts the string forms -c gives: booleans, numbers, comma-separated seconds and JSON', () => {
    // Arrange
    const waterfall = {
      order: { email: ['sandbox-primary'], phone: ['sandbox-primary'], personal_email: [] },
      prices: { 'sandbox-primary': { email: 2 } },
      verifier: null,
    };

    // Act
    const settings = settingsWith({
      allowPrivateWebhookTargets: 'true',
      retentionDays: '30',
      logRetentionDays: '90',
      webhookRetrySchedule: '60, 300,3600',
      waterfall: JSON.stringify(waterfall),
      alarmEmail: 'ops@example.com',
    });

    // Assess
    expect(settings).toMatchObject({
      allowPrivateWebhookTargets: true,
      retentionDays: 30,
      logRetention: RetentionDays.THREE_MONTHS,
      webhookRetrySchedule: [60, 300, 3600],
      waterfall,
      alarmEmail: 'ops@example.com',
    });
  });

  it('refuses a provider the catalogue does not know, naming the setting', () => {
    // Act
    const read = () =>
      settingsWith({
        waterfall: { order: { email: ['huntr'], phone: [], personal_email: [] }, prices: {}, verifier: null },
      });

    // Assess
    expect(read).toThrow(InvalidSettingsError);
    expect(read).toThrow(/waterfall\.order\.email: "huntr" is not a provider of email/);
  });

  it('refuses a provider listed under a type it does not offer', () => {
    // Act
    const read = () =>
      settingsWith({
        waterfall: {
          order: { email: [], phone: ['hunter'], personal_email: [] },
          prices: {},
          verifier: null,
        },
      });

    // Assess
    expect(read).toThrow(/waterfall\.order\.phone: "hunter" is not a provider of phone/);
  });

  it('refuses an unknown verifier, a log retention CloudWatch does not offer and a delay SQS cannot hold', () => {
    // Assess
    expect(() =>
      settingsWith({
        waterfall: { order: { email: [], phone: [], personal_email: [] }, prices: {}, verifier: 'nobody' },
      }),
    ).toThrow(/waterfall\.verifier/);
    expect(() => settingsWith({ logRetentionDays: 42 })).toThrow(/logRetentionDays/);
    expect(() => settingsWith({ webhookRetrySchedule: [60, 50_000] })).toThrow(/webhookRetrySchedule/);
  });

  it('refuses malformed values instead of deploying them', () => {
    // Assess
    expect(() => settingsWith({ allowPrivateWebhookTargets: 'yes' })).toThrow(/allowPrivateWebhookTargets/);
    expect(() => settingsWith({ apiRateLimit: 'fast' })).toThrow(/apiRateLimit/);
    expect(() => settingsWith({ alarmEmail: 'not-an-email' })).toThrow(/alarmEmail/);
    expect(() => settingsWith({ waterfall: '{"order":' })).toThrow(/waterfall/);
  });
});
