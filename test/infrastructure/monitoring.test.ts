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

  it('alarms on the first dead-lettered webhook', () => {
    // Arrange
    const dlq = synthesized.logicalId(synthesized.stack.webhooks.queue.deadLetterQueue);

    // Act
    const matching = alarmsOn('ApproximateNumberOfMessagesVisible', { 'Fn::GetAtt': [dlq, 'QueueName'] });

    // Assess
    expect(matching).toHaveLength(1);
    expect(matching[0]!.Threshold).toBe(1);
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
    const providerStep = synthesized.stack.workflow.providerStep;

    for (const fn of functions) {
      // Act
      const name = { Ref: synthesized.logicalId(fn) };
      const errorRate = alarms.filter(
        (alarm) =>
          alarm.Metrics !== undefined && JSON.stringify(alarm.Metrics).includes(JSON.stringify(name)),
      );

      // Assess
      expect(alarmsOn('Throttles', name)).toHaveLength(1);
      if (fn === providerStep) {
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
    // Assess: 1 dead-letter + 3 executions + 1 API + 9 functions × (errors or error rate, throttles).
    expect(alarms).toHaveLength(1 + 3 + 1 + 9 * 2);
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
