/**
 * What tells the operator something is wrong, and where to look: alarms on an SNS topic (optionally emailed)
 * and one dashboard following an enrichment from the API through the waterfall to its webhook.
 */
import { Annotations, Aws, Duration, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  type IMetric,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import {
  PRODUCT_METRICS,
  SERVICE_DIMENSION,
  type DimensionsOf,
  type ProductMetric,
} from '../../functions/handlers/observability';
import { METRICS_NAMESPACE, SERVICE_NAME, type EnrichmentFunction } from './enrichment-function';
import { SWEEP_SCHEDULE } from './recovery';
import type { WebhookDelivery } from './webhook-delivery';

export interface MonitoringProps {
  restApi: RestApi;
  stateMachine: StateMachine;
  webhooks: WebhookDelivery;
  table: ITableV2;
  /** The authorizer: alarmed on its own failures, never on the bad API keys it refuses. */
  authorizer: EnrichmentFunction;
  /** The bound on an enrichment; pending longer than this (plus two sweeps) means recovery is not working. */
  maxEnrichmentSeconds: number;
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
/** A provider whose answers are mostly errors (including skips for a missing key) for 15 minutes is down. */
const PROVIDER_ERROR_SHARE_PERCENT = 50;
/** Webhook deliveries that gave up, as a share of finished deliveries, over 15 minutes. */
const WEBHOOK_FAILURE_RATE_PERCENT = 25;
/** Fewer outcomes than this in a period say nothing about a share (one failure of two is not an outage). */
const MIN_OUTCOMES = 5;
/** Throttled table requests per period that mean capacity, not a blip (the SDK retries a few itself). */
const TABLE_THROTTLES = 10;
/** Transaction conflicts per period, three periods in a row: one account's accepts and finishes contend. */
const TRANSACTION_CONFLICTS = 25;
/** Error share of a retrying function, in percent, over three periods in a row, that means a real outage. */
const RETRYING_ERROR_RATE_PERCENT = 50;
/** CloudWatch evaluates at most this many metrics in one alarm's math expression. */
const METRICS_PER_ALARM = 10;

/**
 * A metric the functions emit, as they emit it: the namespace, name and dimensions of its declaration, and the
 * `service` dimension Powertools adds to each (the function construct sets the service name).
 */
export function productMetric<M extends ProductMetric>(
  metric: M,
  dimensions: DimensionsOf<M>,
  options: { statistic?: string; label?: string } = {},
): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: PRODUCT_METRICS[metric].name,
    dimensionsMap: { [SERVICE_DIMENSION]: SERVICE_NAME, ...(dimensions as Record<string, string>) },
    statistic: options.statistic ?? 'Sum',
    period: PERIOD,
    label: options.label,
  });
}

/** `list` in runs of at most `size`. */
function chunks<T>(list: readonly T[], size: number): T[][] {
  const runs: T[][] = [];
  for (let i = 0; i < list.length; i += size) runs.push(list.slice(i, i + size));
  return runs;
}

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
    // CloudWatch publishes alarms to the topic: allowed for this account's alarms only, beside the TLS-only Deny.
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccount',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: {
            'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*`,
          },
        },
      }),
    );
    if (props.alarmEmail) {
      this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    } else {
      Annotations.of(this).addWarningV2(
        'contact-enrichment:alarmEmail',
        'No alarmEmail is set: alarms go to the AlarmTopicArn topic, which nobody is subscribed to yet. Deploy ' +
          'with -c alarmEmail=you@example.com, or subscribe to the topic yourself.',
      );
    }

    const { stateMachine, webhooks, restApi } = props;
    const deadLetterQueue = webhooks.queue.deadLetterQueue;
    const sum = { period: PERIOD, statistic: 'Sum' };

    for (const provider of props.providers) {
      const outcome = (name: string) => productMetric('providerOutcome', { provider, outcome: name });
      this.addAlarm(
        `Provider${alarmId(provider)}Errors`,
        `More than ${PROVIDER_ERROR_SHARE_PERCENT}% of ${provider}'s steps were errors for 15 minutes: the provider ` +
          'is down, refuses its key, is out of credits, or has no key configured (see the waterfall trace).',
        new MathExpression({
          expression: `IF(found + missed + rejected + errors >= ${MIN_OUTCOMES}, 100 * errors / (found + missed + rejected + errors), 0)`,
          usingMetrics: {
            found: outcome('found'),
            missed: outcome('not_found'),
            rejected: outcome('rejected'),
            errors: outcome('error'),
          },
          period: PERIOD,
          label: `${provider} error share (%)`,
        }),
        { threshold: PROVIDER_ERROR_SHARE_PERCENT, evaluationPeriods: 3 },
      );
    }
    chunks(props.providers, METRICS_PER_ALARM).forEach((providers, index) =>
      this.alarmOnAny(
        `ProviderCircuitOpen${index ? index + 1 : ''}`,
        `A provider's circuit breaker opened (${providers.join(', ')}; the graph names which): it refused its ` +
          'key, ran out of credits, or failed on most calls; it is skipped until its cool-down ends ' +
          '(npm run admin -- providers status; providers reset once fixed).',
        sumOf(
          providers.map((provider) => productMetric('circuitOpened', { provider })),
          'circuits opened',
        ),
      ),
    );
    const oldestPending = productMetric('oldestPending', {}, { statistic: 'Maximum' });
    this.addAlarm(
      'OldestPendingEnrichment',
      'An enrichment has been pending longer than maxEnrichmentSeconds plus two sweeps: the recovery path is ' +
        'not finishing it (see the sweep-pending and recover-enrichment logs).',
      oldestPending,
      { threshold: props.maxEnrichmentSeconds + 2 * SWEEP_SCHEDULE.toSeconds(), evaluationPeriods: 1 },
    );
    this.addAlarm(
      'WebhookFailureRate',
      `More than ${WEBHOOK_FAILURE_RATE_PERCENT}% of webhook deliveries gave up for 15 minutes (410 Gone is the ` +
        "receiver's answer and does not count): receivers are failing, or delivery is broken.",
      new MathExpression({
        expression: `IF(delivered + failed >= ${MIN_OUTCOMES}, 100 * failed / (delivered + failed), 0)`,
        usingMetrics: {
          delivered: webhooks.metricAttempts('delivered'),
          failed: webhooks.metricAttempts('failed'),
        },
        period: PERIOD,
        label: 'webhook failure rate (%)',
      }),
      { threshold: WEBHOOK_FAILURE_RATE_PERCENT, evaluationPeriods: 3 },
    );
    const tableMetric = (metricName: string) =>
      new Metric({
        namespace: 'AWS/DynamoDB',
        metricName,
        dimensionsMap: { TableName: props.table.tableName },
        ...sum,
      });
    this.addAlarm(
      'TableThrottles',
      'DynamoDB throttled requests to the table for 10 minutes: it is at its capacity limits.',
      new MathExpression({
        expression: 'reads + writes',
        usingMetrics: {
          reads: tableMetric('ReadThrottleEvents'),
          writes: tableMetric('WriteThrottleEvents'),
        },
        period: PERIOD,
        label: 'throttled requests',
      }),
      { threshold: TABLE_THROTTLES, evaluationPeriods: 2 },
    );
    this.addAlarm(
      'TableTransactionConflicts',
      'Transactions on the table collided for 15 minutes: one account accepts and finishes faster than its ' +
        'account item can take (they are retried, but slow down and may fail).',
      tableMetric('TransactionConflict'),
      { threshold: TRANSACTION_CONFLICTS, evaluationPeriods: 3 },
    );
    this.alarmOnAny(
      'AuthorizerFailures',
      "The authorizer failed to check API keys (not a refused key: those are the callers' 401s).",
      productMetric('authorizerFailures', {}),
    );
    this.alarmOnAny(
      'WebhookDeadLetters',
      'Webhooks are in the dead-letter queue: their attempts ran out, or a message could not be read. Fix the ' +
        'cause, then npm run admin -- webhooks redrive.',
      deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
    );
    this.alarmOnAny(
      'WebhookDeliveryErrors',
      'The deliver function failed on its own (not a receiver): the queue retries the message, and after its ' +
        'last receive dead-letters it (see the deliver-webhook logs: "webhook attempt errored").',
      productMetric('deliveryErrors', {}),
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

    // Every function's errors and throttles in a few alarms (the graph below names the function): the authorizer's
    // errors are refused keys (that is how API Gateway is told to answer 401), a retried function is alarmed on
    // its error rate.
    const plain = props.functions.filter(
      (fn) => fn !== props.authorizer && !props.retryingFunctions.includes(fn),
    );
    chunks(plain, METRICS_PER_ALARM).forEach((functions, index) =>
      this.alarmOnAny(
        `FunctionErrors${index ? index + 1 : ''}`,
        `A function failed (${functions.map((fn) => fn.spec.name).join(', ')}): see the "Function errors" ` +
          'graph for which, then its log group.',
        sumOf(
          functions.map((fn) => fn.metricErrors(sum)),
          'errors',
        ),
      ),
    );
    chunks(props.functions, METRICS_PER_ALARM).forEach((functions, index) =>
      this.alarmOnAny(
        `FunctionThrottles${index ? index + 1 : ''}`,
        "A function was throttled: the account's Lambda concurrency is exhausted (see the " +
          '"Function throttles" graph; README "Operating" on the concurrency quota).',
        sumOf(
          functions.map((fn) => fn.metricThrottles(sum)),
          'throttles',
        ),
      ),
    );
    for (const fn of props.retryingFunctions) {
      const name = fn.spec.name;
      this.addAlarm(
        `${alarmId(name)}ErrorRate`,
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
    }

    this.dashboard = new Dashboard(this, 'Dashboard', {
      // Dashboard names are global to the account: the region keeps two regions' deployments apart.
      dashboardName: `${Stack.of(this).stackName}-${Aws.REGION}`,
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
          '## Waterfall\nEnrichments accepted by the API run the waterfall; every execution should succeed, and every ' +
          'enrichment finishes within maxEnrichmentSeconds.',
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
      graph('Pending enrichments (sweeper, every 5 minutes)', [
        productMetric('pendingEnrichments', {}, { statistic: 'Maximum', label: 'pending' }),
      ]),
      graph('Oldest pending enrichment (s)', [oldestPending.with({ label: 'age of the oldest' })]),
      graph('Table throttles and transaction conflicts', [
        tableMetric('ReadThrottleEvents').with({ label: 'read throttles' }),
        tableMetric('WriteThrottleEvents').with({ label: 'write throttles' }),
        tableMetric('TransactionConflict').with({ label: 'transaction conflicts' }),
      ]),
    );
    this.dashboard.addWidgets(
      ...props.providers.map((provider) =>
        graph(`Provider ${provider}: outcomes`, [
          search(`MetricName="ProviderOutcome" provider="${provider}"`, "${PROP('Dim.outcome')}"),
        ]),
      ),
    );

    // The scorecard at a glance (npm run admin -- providers stats has the details): from the metrics each first
    // finish emits per provider.
    this.dashboard.addWidgets(
      ...props.providers.map((provider) => {
        const finds = productMetric('providerFinds', { provider });
        return new GraphWidget({
          title: `Provider ${provider}: find rate and fee per find`,
          width: 8,
          height: 6,
          period: PERIOD,
          left: [
            new MathExpression({
              expression: 'IF(answers > 0, 100 * finds / answers)',
              usingMetrics: { finds, answers: productMetric('providerAnswers', { provider }) },
              period: PERIOD,
              label: 'find rate (%)',
            }),
          ],
          right: [
            new MathExpression({
              expression: 'IF(finds > 0, fees / finds)',
              usingMetrics: { finds, fees: productMetric('providerFees', { provider }) },
              period: PERIOD,
              label: 'fee per find (USD)',
            }),
          ],
        });
      }),
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
        props.functions.map((fn) => fn.metricErrors({ ...sum, label: fn.spec.name })),
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Function duration p99 (ms)',
        props.functions.map((fn) =>
          fn.metricDuration({ period: PERIOD, statistic: 'p99', label: fn.spec.name }),
        ),
        12,
      ),
      graph(
        'Function throttles',
        props.functions.map((fn) => fn.metricThrottles({ ...sum, label: fn.spec.name })),
        12,
      ),
    );
  }

  /** An alarm that fires on the first occurrence within a period: each of these is an incident. */
  private alarmOnAny(id: string, description: string, metric: IMetric): Alarm {
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

/** The sum of a few metrics, as one alarmable expression. */
function sumOf(metrics: IMetric[], label: string): MathExpression {
  const usingMetrics = Object.fromEntries(metrics.map((metric, i) => [`m${i}`, metric]));
  return new MathExpression({
    // SUM over the list adds what is there: a metric with no data in a period does not blank the others.
    expression: `SUM([${Object.keys(usingMetrics).join(', ')}])`,
    usingMetrics,
    period: PERIOD,
    label,
  });
}

/** `provider-step` → `ProviderStep`, `peopledatalabs` → `Peopledatalabs`: an alarm id from a name. */
function alarmId(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}
