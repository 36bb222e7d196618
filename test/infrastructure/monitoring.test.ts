import { SETTINGS } from '../../functions/settings';
import { Match } from 'aws-cdk-lib/assertions';
import { EnrichmentFunction } from '../../lib/constructs/enrichment-function';
import { resourcesOf, synthesize, type Synthesized } from './synthesize';

const ALARM_EMAIL = 'ops@example.com';

interface AlarmProperties {
  MetricName?: string;
  Namespace?: string;
  Dimensions?: { Name: string; Value: unknown }[];
  Metrics?: { Id: string; Expression?: string; MetricStat?: { Metric: { MetricName: string } } }[];
  Threshold: number;
  AlarmActions: unknown[];
  OKActions: unknown[];
  TreatMissingData: string;
}

describe('Construct: Monitoring', () => {
  let synthesized: Synthesized;
  let alarms: AlarmProperties[];
  let dashboardBody: string;

  function alarmsOn(metricName: string, dimensionValue?: unknown): AlarmProperties[] {
    return alarms.filter(
      (alarm) =>
        alarm.MetricName === metricName &&
        (dimensionValue === undefined ||
          JSON.stringify(alarm.Dimensions).includes(JSON.stringify(dimensionValue))),
    );
  }

  beforeAll(() => {
    synthesized = synthesize({ context: { alarmEmail: ALARM_EMAIL } });
    alarms = Object.values(resourcesOf(synthesized.template, 'AWS::CloudWatch::Alarm')).map(
      (alarm) => alarm.Properties as unknown as AlarmProperties,
    );
    const dashboard = Object.values(resourcesOf(synthesized.template, 'AWS::CloudWatch::Dashboard'))[0]!;
    dashboardBody = JSON.stringify(dashboard.Properties.DashboardBody);
  }, 120_000);

  afterAll(() => synthesized.dispose());

  it('sends every alarm, and its recovery, to the alarm topic', () => {
    // Arrange
    const topic = { Ref: synthesized.logicalId(synthesized.stack.monitoring.alarmTopic) };

    // Assess
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([topic]);
      expect(alarm.OKActions).toEqual([topic]);
      expect(alarm.TreatMissingData).toBe('notBreaching');
    }
    synthesized.template.hasOutput('AlarmTopicArn', { Value: topic });
  });

  it('emails the alarm topic to the address given in context', () => {
    // Assess
    synthesized.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: ALARM_EMAIL,
    });
  });

  function expressionAlarms(metricName: string): AlarmProperties[] {
    return alarms.filter((alarm) =>
      (alarm.Metrics ?? []).some((metric) => metric.MetricStat?.Metric.MetricName === metricName),
    );
  }

  const configuredProviders = () => [
    ...new Set(Object.values(SETTINGS.waterfall.default.order as Record<string, string[]>).flat()),
  ];

  it('alarms per provider on a majority of error outcomes (skips for a missing key included), never on one', () => {
    // Act
    const shares = expressionAlarms('ProviderOutcome');

    // Assess
    expect(shares).toHaveLength(configuredProviders().length);
    for (const provider of configuredProviders()) {
      const alarm = shares.find((candidate) => JSON.stringify(candidate.Metrics).includes(`"${provider}"`));
      expect(alarm).toBeDefined();
      expect(alarm!.Threshold).toBe(50);
      expect(JSON.stringify(alarm!.Metrics)).toContain('IF(found + missed + rejected + errors >= 5');
      expect(JSON.stringify(alarm!.Metrics)).toContain('"Value":"error"');
    }
  });

  it('alarms per provider when its circuit breaker opens', () => {
    // Act
    const opened = alarms.filter((alarm) => alarm.MetricName === 'ProviderCircuitOpened');

    // Assess
    expect(opened.map((alarm) => JSON.stringify(alarm.Dimensions)).sort()).toEqual(
      configuredProviders()
        .map((provider) => JSON.stringify([{ Name: 'provider', Value: provider }]))
        .sort(),
    );
  });

  it('alarms when an enrichment stays pending past maxEnrichmentSeconds and two sweeps', () => {
    // Act
    const matching = alarms.filter((alarm) => alarm.MetricName === 'OldestPendingSeconds');

    // Assess
    expect(matching).toHaveLength(1);
    expect(matching[0]!.Threshold).toBe(3600 + 600);
  });

  it('alarms on the webhook failure rate, not on dead-letter depth, and a 410 Gone does not count', () => {
    // Act
    const rate = expressionAlarms('WebhookAttempt');

    // Assess
    expect(rate).toHaveLength(1);
    const outcomes = JSON.stringify(rate[0]!.Metrics);
    expect(outcomes).toContain('"Value":"delivered"');
    expect(outcomes).toContain('"Value":"failed"');
    expect(outcomes).not.toContain('"Value":"gone"');
    expect(alarmsOn('ApproximateNumberOfMessagesVisible')).toHaveLength(0);
  });

  it('alarms on table throttles and on transaction conflicts', () => {
    // Arrange
    const table = { Ref: synthesized.logicalId(synthesized.stack.storage.table) };

    // Assess
    expect(expressionAlarms('ReadThrottleEvents')).toHaveLength(1);
    expect(JSON.stringify(expressionAlarms('WriteThrottleEvents')[0]!.Metrics)).toContain(
      JSON.stringify(table),
    );
    expect(alarmsOn('TransactionConflict', table)).toHaveLength(1);
  });

  it('alarms on authorizer failures, never on the bad API keys it refuses', () => {
    // Arrange
    const authorizer = { Ref: synthesized.logicalId(synthesized.stack.functionNamed('authorizer')) };

    // Assess
    expect(alarmsOn('AuthorizerFailures')).toHaveLength(1);
    expect(alarmsOn('Errors', authorizer)).toHaveLength(0);
  });

  it('alarms on failed, timed-out and aborted waterfall executions', () => {
    // Arrange
    const stateMachine = { Ref: synthesized.logicalId(synthesized.stack.workflow.stateMachine) };

    // Assess
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted']) {
      expect(alarmsOn(metric, stateMachine)).toHaveLength(1);
    }
  });

  it('alarms on API 5xx answers', () => {
    // Assess
    const matching = alarmsOn('5XXError');
    expect(matching).toHaveLength(1);
    expect(matching[0]!.Namespace).toBe('AWS/ApiGateway');
  });

  it('alarms on errors and throttles of every function, on the error rate of provider-step', () => {
    // Arrange
    const functions = synthesized.stack.node
      .findAll()
      .filter((construct): construct is EnrichmentFunction => construct instanceof EnrichmentFunction);
    const providerStep = synthesized.stack.functionNamed('provider-step');

    for (const fn of functions) {
      // Act
      const name = { Ref: synthesized.logicalId(fn) };
      const errorRate = alarms.filter(
        (alarm) =>
          alarm.Metrics !== undefined && JSON.stringify(alarm.Metrics).includes(JSON.stringify(name)),
      );

      // Assess
      expect(alarmsOn('Throttles', name)).toHaveLength(1);
      if (fn === synthesized.stack.functionNamed('authorizer')) {
        expect(alarmsOn('Errors', name)).toHaveLength(0);
      } else if (fn === providerStep) {
        expect(alarmsOn('Errors', name)).toHaveLength(0);
        expect(errorRate).toHaveLength(1);
        expect(errorRate[0]!.Metrics).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ Expression: 'IF(invocations > 0, 100 * errors / invocations, 0)' }),
          ]),
        );
      } else {
        expect(alarmsOn('Errors', name)).toHaveLength(1);
      }
    }
  });

  it('has exactly the alarms above and no others', () => {
    // Arrange
    const functions = synthesized.stack.node
      .findAll()
      .filter((construct) => construct instanceof EnrichmentFunction).length;

    // Assess: 3 executions + 1 API + two per provider (error share, circuit) + oldest pending + webhook rate +
    // 2 table + authorizer failures, and per function throttles and (but the authorizer's) errors or error rate.
    expect(alarms).toHaveLength(
      3 + 1 + 2 * configuredProviders().length + 1 + 1 + 2 + 1 + functions + (functions - 1),
    );
  });

  it('graphs the pending backlog and the table', () => {
    // Assess
    expect(dashboardBody).toContain('PendingEnrichments');
    expect(dashboardBody).toContain('OldestPendingSeconds');
    expect(dashboardBody).toContain('TransactionConflict');
  });

  it('graphs the outcomes of every configured provider from the Powertools ProviderOutcome metric', () => {
    // Assess
    expect(dashboardBody).toContain('MetricName=\\\\\\"ProviderOutcome\\\\\\"');
    for (const provider of ['hunter', 'prospeo', 'dropcontact', 'icypeas', 'contactout', 'peopledatalabs']) {
      expect(dashboardBody).toContain(`provider=\\\\\\"${provider}\\\\\\"`);
    }
    expect(dashboardBody).toContain('Namespace=\\\\\\"ContactEnrichment\\\\\\"');
  });

  it('graphs executions and webhook delivery', () => {
    // Assess
    for (const metric of [
      'ExecutionsStarted',
      'ExecutionsSucceeded',
      'WebhookAttempt',
      'ApproximateAgeOfOldestMessage',
    ]) {
      expect(dashboardBody).toContain(metric);
    }
    synthesized.template.hasOutput('DashboardName', { Value: Match.anyValue() });
  });
});
