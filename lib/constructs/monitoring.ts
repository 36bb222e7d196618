/**
 * What tells the operator something is wrong, and where to look: alarms on an SNS topic (optionally emailed)
 * and one dashboard following an enrichment from the API through the waterfall to its webhook.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  type IMetric,
  type Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, type EnrichmentFunction } from './enrichment-function';
import type { WebhookDelivery } from './webhook-delivery';

export interface MonitoringProps {
  restApi: RestApi;
  stateMachine: StateMachine;
  webhooks: WebhookDelivery;
  /** Every function of the stack; each gets error and throttle alarms. */
  functions: readonly EnrichmentFunction[];
  /**
   * Functions that throw on purpose so the state machine retries them (provider-step on a provider's
   * transient error): single errors are normal there, so they are alarmed on their error rate.
   */
  retryingFunctions: readonly EnrichmentFunction[];
  /** Providers of the configured waterfall, each with its own outcome graph. */
  providers: readonly string[];
  alarmEmail?: string;
}

const PERIOD = Duration.minutes(5);
/** Error share of a retrying function, in percent, over three periods in a row, that means a real outage. */
const RETRYING_ERROR_RATE_PERCENT = 50;

export class Monitoring extends Construct {
  readonly alarmTopic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);

    // Not KMS-encrypted: notifications carry alarm names and states, no customer data, and CloudWatch cannot
    // publish to a topic encrypted with the AWS-managed SNS key.
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: 'Contact enrichment alarms',
      enforceSSL: true,
    });
    if (props.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));

    const { stateMachine, webhooks, restApi } = props;
    const deadLetterQueue = webhooks.queue.deadLetterQueue;
    const sum = { period: PERIOD, statistic: 'Sum' };

    this.alarmOnAny(
      'WebhookDeadLetters',
      'Webhook deliveries are in the dead-letter queue: they failed for good; fix the cause, then redrive them.',
      deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
    );
    this.alarmOnAny(
      'ExecutionsFailed',
      'Waterfall executions failed: the recovery function finished their enrichments with the data found so far; find the cause.',
      stateMachine.metricFailed(sum),
    );
    this.alarmOnAny(
      'ExecutionsTimedOut',
      'Waterfall executions timed out (maxEnrichmentSeconds): the recovery function finished their enrichments.',
      stateMachine.metricTimedOut(sum),
    );
    this.alarmOnAny(
      'ExecutionsAborted',
      'Waterfall executions were aborted (stopped by someone or something): the recovery function finished them.',
      stateMachine.metricAborted(sum),
    );
    this.alarmOnAny(
      'Api5xx',
      'The API answered with 5xx errors: a handler or the authorizer failed.',
      restApi.metricServerError(sum),
    );

    for (const fn of props.functions) {
      const name = fn.handlerFile;
      const id = name
        .split('-')
        .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
        .join('');
      if (props.retryingFunctions.includes(fn)) {
        this.addAlarm(
          `${id}ErrorRate`,
          `More than ${RETRYING_ERROR_RATE_PERCENT}% of ${name} invocations failed for 15 minutes: a provider ` +
            'is down or refuses its key.',
          new MathExpression({
            expression: 'IF(invocations > 0, 100 * errors / invocations, 0)',
            usingMetrics: { errors: fn.metricErrors(sum), invocations: fn.metricInvocations(sum) },
            period: PERIOD,
            label: `${name} error rate (%)`,
          }),
          { threshold: RETRYING_ERROR_RATE_PERCENT, evaluationPeriods: 3 },
        );
      } else {
        this.alarmOnAny(`${id}Errors`, `The ${name} function failed.`, fn.metricErrors(sum));
      }
      this.alarmOnAny(
        `${id}Throttles`,
        `The ${name} function was throttled: the account's Lambda concurrency is exhausted.`,
        fn.metricThrottles(sum),
      );
    }

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${Stack.of(this).stackName}-waterfall`,
      defaultInterval: Duration.hours(24),
    });
    const graph = (title: string, left: IMetric[], width = 8) =>
      new GraphWidget({ title, left, width, height: 6, period: PERIOD });
    const search = (filter: string, label: string) =>
      new MathExpression({
        expression: `SEARCH('Namespace="${METRICS_NAMESPACE}" ${filter}', 'Sum', ${PERIOD.toSeconds()})`,
        usingMetrics: {},
        period: PERIOD,
        label,
      });

    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          '## Waterfall\nEnrichments accepted by the API run the waterfall; every execution should succeed.',
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      graph('Executions', [
        stateMachine.metricStarted({ ...sum, label: 'started' }),
        stateMachine.metricSucceeded({ ...sum, label: 'succeeded' }),
        stateMachine.metricFailed({ ...sum, label: 'failed' }),
        stateMachine.metricTimedOut({ ...sum, label: 'timed out' }),
        stateMachine.metricAborted({ ...sum, label: 'aborted' }),
      ]),
      graph('Execution time (ms)', [
        stateMachine.metricTime({ period: PERIOD, statistic: 'p50', label: 'p50' }),
        stateMachine.metricTime({ period: PERIOD, statistic: 'p99', label: 'p99' }),
      ]),
      graph('Provider outcomes, all providers', [
        search('MetricName="ProviderOutcome"', "${PROP('Dim.provider')} ${PROP('Dim.outcome')}"),
      ]),
    );
    this.dashboard.addWidgets(
      ...props.providers.map((provider) =>
        graph(`Provider ${provider}: outcomes`, [
          search(`MetricName="ProviderOutcome" provider="${provider}"`, "${PROP('Dim.outcome')}"),
        ]),
      ),
    );

    const queue = webhooks.queue.queue;
    this.dashboard.addWidgets(
      graph(
        'Webhook attempts by outcome',
        (['delivered', 'retry', 'failed', 'skipped'] as const).map((outcome) =>
          webhooks.metricAttempts(outcome),
        ),
      ),
      graph('Webhook queue', [
        queue.metricApproximateNumberOfMessagesVisible({
          period: PERIOD,
          statistic: 'Maximum',
          label: 'due',
        }),
        queue.metricApproximateNumberOfMessagesNotVisible({
          period: PERIOD,
          statistic: 'Maximum',
          label: 'waiting for a retry or in flight',
        }),
        deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: PERIOD,
          statistic: 'Maximum',
          label: 'dead-lettered',
        }),
      ]),
      graph('Oldest webhook in the queue (s)', [
        queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum', label: 'age' }),
      ]),
    );

    this.dashboard.addWidgets(
      graph('API requests', [
        restApi.metricCount({ ...sum, label: 'requests' }),
        restApi.metricClientError({ ...sum, label: '4xx' }),
        restApi.metricServerError({ ...sum, label: '5xx' }),
      ]),
      graph('API latency (ms)', [
        restApi.metricLatency({ period: PERIOD, statistic: 'p50', label: 'p50' }),
        restApi.metricLatency({ period: PERIOD, statistic: 'p99', label: 'p99' }),
      ]),
      graph(
        'Function errors',
        props.functions.map((fn) => fn.metricErrors({ ...sum, label: fn.handlerFile })),
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Function duration p99 (ms)',
        props.functions.map((fn) =>
          fn.metricDuration({ period: PERIOD, statistic: 'p99', label: fn.handlerFile }),
        ),
        12,
      ),
      graph(
        'Function throttles',
        props.functions.map((fn) => fn.metricThrottles({ ...sum, label: fn.handlerFile })),
        12,
      ),
    );
  }

  /** An alarm that fires on the first occurrence within a period: each of these is an incident. */
  private alarmOnAny(id: string, description: string, metric: Metric): Alarm {
    return this.addAlarm(id, description, metric, { threshold: 1, evaluationPeriods: 1 });
  }

  private addAlarm(
    id: string,
    description: string,
    metric: IMetric,
    options: { threshold: number; evaluationPeriods: number },
  ): Alarm {
    const alarm = new Alarm(this, id, {
      alarmDescription: description,
      metric,
      threshold: options.threshold,
      evaluationPeriods: options.evaluationPeriods,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No data means nothing happened: no traffic is not an incident.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const action = new SnsAction(this.alarmTopic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
    return alarm;
  }
}
