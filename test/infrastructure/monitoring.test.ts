import { SETTINGS } from '../../functions/settings';
import { Match } from 'aws-cdk-lib/assertions';
import { EnrichmentFunction } from '../../lib/constructs/enrichment-function';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, resourcesOf, synthesize, type Synthesized } from './synthesize';

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

  it("alarms when any configured provider's circuit breaker opens", () => {
    // Act
    const opened = expressionAlarms('ProviderCircuitOpened');

    // Assess
    expect(opened).toHaveLength(1);
    for (const provider of configuredProviders()) {
      expect(JSON.stringify(opened[0]!.Metrics)).toContain(`{"Name":"provider","Value":"${provider}"}`);
    }
    expect(opened[0]!.Threshold).toBe(1);
  });

  it('alarms when an enrichment stays pending past maxEnrichmentSeconds and two sweeps', () => {
    // Act
    const matching = alarms.filter((alarm) => alarm.MetricName === 'OldestPendingSeconds');

    // Assess
    expect(matching).toHaveLength(1);
    expect(matching[0]!.Threshold).toBe(3600 + 600);
  });

  it('alarms on the webhook failure rate, and a 410 Gone does not count', () => {
    // Act
    const rate = expressionAlarms('WebhookAttempt');

    // Assess
    expect(rate).toHaveLength(1);
    const outcomes = JSON.stringify(rate[0]!.Metrics);
    expect(outcomes).toContain('"Value":"delivered"');
    expect(outcomes).toContain('"Value":"failed"');
    expect(outcomes).not.toContain('"Value":"gone"');
  });

  it("alarms on any webhook in the dead-letter queue, and on the deliver function's own errors", () => {
    // Arrange
    const deadLetters = {
      'Fn::GetAtt': [synthesized.logicalId(synthesized.stack.webhooks.queue.deadLetterQueue), 'QueueName'],
    };

    // Assess
    const depth = alarmsOn('ApproximateNumberOfMessagesVisible', deadLetters);
    expect(depth).toHaveLength(1);
    expect(depth[0]!.Threshold).toBe(1);
    expect(alarmsOn('WebhookDeliveryErrors')).toHaveLength(1);
  });

  it('lets CloudWatch publish to the alarm topic for this account only, over TLS only', () => {
    // Assess
    synthesized.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: { 'aws:SourceArn': Match.anyValue() },
            },
          }),
        ]),
      },
    });
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

  it('alarms on errors of every function but the authorizer, on throttles of all, on the error rate of provider-step', () => {
    // Arrange
    const functions = synthesized.stack.functions;
    const inAlarm = (alarm: AlarmProperties, fn: EnrichmentFunction) =>
      JSON.stringify(alarm.Metrics ?? []).includes(JSON.stringify({ Ref: synthesized.logicalId(fn) }));
    const errorAlarms = expressionAlarms('Errors');
    const throttleAlarms = expressionAlarms('Throttles');
    const providerStep = synthesized.stack.functionNamed('provider-step');

    for (const fn of functions) {
      // Act
      const errors = errorAlarms.filter((alarm) => inAlarm(alarm, fn));

      // Assess
      expect(throttleAlarms.filter((alarm) => inAlarm(alarm, fn))).toHaveLength(1);
      if (fn === synthesized.stack.functionNamed('authorizer')) {
        expect(errors).toHaveLength(0);
      } else if (fn === providerStep) {
        expect(errors).toHaveLength(1);
        expect(errors[0]!.Metrics).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ Expression: 'IF(invocations > 0, 100 * errors / invocations, 0)' }),
          ]),
        );
      } else {
        expect(errors).toHaveLength(1);
        expect(JSON.stringify(errors[0]!.Metrics)).toContain('SUM([');
      }
    }
    // CloudWatch evaluates at most ten metrics in one alarm.
    for (const alarm of alarms)
      expect((alarm.Metrics ?? []).filter((m) => m.MetricStat).length).toBeLessThanOrEqual(10);
  });

  it('has exactly the alarms above and no others', () => {
    // Arrange
    const functions = synthesized.stack.functions.length;
    const groups = (count: number) => Math.ceil(count / 10);

    // Assess: 3 executions + 1 API + one error share per provider + circuits + oldest pending + webhook rate +
    // dead letters + delivery errors + 2 table + authorizer failures + function errors (all but the authorizer
    // and provider-step, in groups of ten) + throttles (groups of ten) + provider-step's error rate.
    expect(alarms).toHaveLength(
      3 +
        1 +
        configuredProviders().length +
        1 +
        1 +
        1 +
        1 +
        1 +
        2 +
        1 +
        groups(functions - 2) +
        groups(functions) +
        1,
    );
  });

  it('names the dashboard after the stack and its region, and warns at synthesis when no one is emailed', () => {
    // Arrange
    const dashboard = Object.values(resourcesOf(synthesized.template, 'AWS::CloudWatch::Dashboard'))[0]!;
    const bare = synthesize();

    // Assess
    expect(JSON.stringify(dashboard.Properties.DashboardName)).toContain('AWS::Region');
    expect(
      bare.app
        .synth()
        .getStackByName(bare.stack.stackName)
        .messages.map((message) => String(message.entry.data)),
    ).toEqual(expect.arrayContaining([expect.stringContaining('No alarmEmail is set')]));
    bare.dispose();
  });

  it("states the alarms' idle cost in the README as the template has them", () => {
    // Act: CloudWatch bills each metric an alarm evaluates.
    const metrics = alarms.reduce(
      (count, alarm) =>
        count + (alarm.MetricName ? 1 : (alarm.Metrics ?? []).filter((metric) => metric.MetricStat).length),
      0,
    );
    const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    const stated =
      /(\d+) alarms watching (\d+) metrics \(\$0\.10 per alarm metric: \$([\d.]+), \$([\d.]+) beyond/.exec(
        readme,
      );

    // Assess
    expect(stated?.slice(1)).toEqual([
      String(alarms.length),
      String(metrics),
      (metrics * 0.1).toFixed(2),
      ((metrics - 10) * 0.1).toFixed(2),
    ]);
  });

  it("graphs each configured provider's find rate and fee per find from the metrics a finish emits", () => {
    // Assess
    for (const provider of configuredProviders()) {
      expect(dashboardBody).toContain(`Provider ${provider}: find rate and fee per find`);
    }
    for (const name of ['ProviderFinds', 'ProviderAnswers', 'ProviderFeesUsd']) {
      expect(dashboardBody).toContain(name);
    }
    expect(dashboardBody).toContain('IF(answers > 0, 100 * finds / answers)');
    expect(dashboardBody).toContain('IF(finds > 0, fees / finds)');
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
